-- Proves a crash at after_second_tweet (thread reply posted but not yet recorded) is recovered after restart with no duplicate tweet, one escrow and settled money.
scenario { name = "crash after_second_tweet", seed = 3, max_time = days(10) }
world { audience = { users = 40, engage_probability = 0.5 }, accounts = { alice = 5000000 } }
require("saga_crash")("after_second_tweet")
