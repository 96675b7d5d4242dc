-- Proves the whole lifecycle without faults: two tweets, escrow, engagement, close with rewards, partial claims, expiry returning the rest.
scenario { name = "happy path", seed = 1, max_time = days(10) }
world { audience = { users = 60, engage_probability = 0.5 }, accounts = { alice = 10000000 } }
local fleet = require("fleet")

local c = fleet.campaign { owner = "alice", budget = 1000000 }
check(state(c) == "CREATED", "a new campaign is CREATED")
check(publish(c), "the owner may publish")

run_for(minutes(10))
check(state(c) == "RUNNING", "published within minutes")
check(#tweets(c) == 2, "exactly two tweets: the post and its thread reply")
check(balance("escrow:" .. c.id) == 1000000, "the whole budget is escrowed")
check(balance("alice") == 9000000, "the owner paid the budget into escrow")

run_for(hours(25))
check(state(c) == "REWARD_CLAIM", "closed after its duration and open for claims")
local rs = rewards(c)
check(#rs > 10, "the audience engaged and earned rewards")
check(fleet.reward_total(c) <= 1000000, "rewards fit the budget")

local claimed = fleet.claim_some(c, 2)
local first = rs[2]
local again, why = claim(c, first.user)
check(not again and why ~= nil, "a second claim by the same user is refused with a reason")

run_until_quiet()
check(state(c) == "EXPIRED", "expired after the claim window")
check(claimed > 0 and fleet.reward_total(c, "claimed") == claimed, "claimed rewards stay claimed")
check(fleet.reward_total(c, "claimable") == 0, "nothing is left claimable after expiry")
check(balance(first.user) == 1000000000000 + first.amount, "a claimer was paid exactly once")
fleet.check_settled(c, "alice", 10000000)
