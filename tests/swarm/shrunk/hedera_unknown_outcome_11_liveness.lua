-- kept for: faults hedera_unknown_outcome
-- tests/swarm/shrunk/hedera_unknown_outcome_11_liveness.lua: written by clsim shrink. It fails with invariant liveness.
-- From: build/clsim run scenarios/hedera_unknown_outcome.lua --seed 11 --mutate pay_without_idempotent_id
-- Reduced from 8 scheduled faults
--           to 1 scheduled faults.
-- Run:  build/clsim run tests/swarm/shrunk/hedera_unknown_outcome_11_liveness.lua --seed 11 --lib scenarios/lib --mutate pay_without_idempotent_id

-- Every fault that fires, by time since the start and the call it hits.
fault_schedule {
  { at = days(1) + hours(1) + ms(261) + 589, fault = "hedera_unknown_outcome", on = "memo clsim:c-1:claim:u-30" },
}

-- (the original script follows, run with seed 11)
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
