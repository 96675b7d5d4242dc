-- Proves a crash while closing (rewards computed, not committed) and another after the refund leave rewards computed once and money settled.
scenario { name = "crash during close", seed = 4, max_time = days(10) }
world { audience = { users = 40, engage_probability = 0.6 }, accounts = { alice = 5000000 } }
local fleet = require("fleet")

crash_at("during_close", { restart_after = seconds(10) })
crash_at("after_refund", { restart_after = seconds(10) })
local c = fleet.campaign { owner = "alice", budget = 1000000 }
publish(c)
run_for(hours(25))
check(state(c) == "REWARD_CLAIM", "closed despite two crashes (" .. tostring(state(c)) .. ")")
local total = fleet.reward_total(c)
check(total > 0 and total <= 1000000, "rewards computed within the budget")
check(balance("escrow:" .. c.id) == total, "the escrow holds exactly the rewards: the refund ran once")
fleet.claim_some(c, 2)
run_until_quiet()
fleet.check_settled(c, "alice", 5000000)
