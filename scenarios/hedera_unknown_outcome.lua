-- Proves ledger calls that time out after executing (unknown outcome) are resolved by receipt or memo lookup, never paid twice.
scenario { name = "hedera unknown outcome", seed = 11, max_time = days(10) }
world { audience = { users = 40, engage_probability = 0.6 }, accounts = { alice = 10000000 },
        faults = { hedera = { unknown_outcome_rate = 0.4 } } }
local fleet = require("fleet")

local c = fleet.campaign { owner = "alice" }
publish(c)
run_for(hours(25))
check(state(c) == "REWARD_CLAIM", "closed (" .. tostring(state(c)) .. ")")
local claimed = fleet.claim_some(c, 1)
run_until_quiet()
check(claimed > 0, "users claimed")
fleet.check_settled(c, "alice", 10000000)
