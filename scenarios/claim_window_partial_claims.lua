-- Proves claims close with the window: claims inside it are paid, later ones are refused, and unclaimed rewards return to the owner.
scenario { name = "claim window with partial claims", seed = 13, max_time = days(10) }
world { audience = { users = 60, engage_probability = 0.7 }, accounts = { alice = 10000000 } }
local fleet = require("fleet")

local c = fleet.campaign { owner = "alice", budget = 2000, duration = hours(12), claim_window = hours(6) }
publish(c)
run_for(hours(13))
check(state(c) == "REWARD_CLAIM", "claim window open")
local rs = rewards(c)
check(#rs > 0, "rewards exist")
check(fleet.reward_total(c) <= 2000, "a small budget scales rewards down pro rata")
check(fleet.reward_total(c) >= 2000 - #rs, "pro-rata rounding loses less than one unit per reward")
local early = rs[1]
check(claim(c, early.user), "a claim inside the window is accepted")
run_for(hours(7))
check(state(c) == "EXPIRED", "expired when the window closed")
local late_ok, why = claim(c, rs[#rs].user)
check(not late_ok and why ~= nil, "a claim after expiry is refused")
check(balance(early.user) == 1000000000000 + early.amount, "the early claim was paid")
fleet.check_settled(c, "alice", 10000000)
