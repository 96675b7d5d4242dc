-- kept for: sometimes duplicate_tweet_prevented
-- tests/swarm/shrunk/twitter_5xx_burst_7_duplicate_tweet.lua: written by clsim shrink. It fails with invariant no_duplicate_tweet.
-- From: build/clsim run scenarios/twitter_5xx_burst.lua --seed 7 --mutate skip_duplicate_tweet_check
-- Reduced from 42 scheduled faults
--           to 1 scheduled faults.
-- Run:  build/clsim run tests/swarm/shrunk/twitter_5xx_burst_7_duplicate_tweet.lua --seed 7 --lib scenarios/lib --mutate skip_duplicate_tweet_check

-- Every fault that fires, by time since the start and the call it hits.
fault_schedule {
  { at = ms(1) + 200, fault = "twitter_timeout_after_create", on = "POST /2/tweets c-3" },
}

-- (the original script follows, run with seed 7)
-- Proves bursts of X API 5xx errors and timeouts (some after the tweet was created) are retried without duplicate tweets.
scenario { name = "twitter 5xx burst", seed = 9, max_time = days(10) }
world { audience = { users = 40, engage_probability = 0.5 },
        faults = { twitter = { error_rate = 0.3, timeout_rate = 0.1, timeout_after_create_rate = 0.2, error_after_create_rate = 0.1 } } }
local fleet = require("fleet")

local list = fleet.publish_fleet(8)
run_for(hours(2))
heal()
run_until_quiet()
for _, c in ipairs(list) do
  check(state(c) == "EXPIRED" or state(c) == "FAILED", c.id .. " finished")
  if state(c) == "EXPIRED" then check(#tweets(c) == 2, c.id .. ": exactly two tweets") end
end
check(fleet.count_in_state(list, "EXPIRED") >= 6, "most campaigns survived the burst")
