-- Proves a storm of Hedera BUSY and PLATFORM_TRANSACTION_NOT_CREATED prechecks is retried with backoff: every escrow, refund and claim executes once.
scenario { name = "hedera busy storm", seed = 10, max_time = days(10) }
world { audience = { users = 40, engage_probability = 0.5 },
        faults = { hedera = { busy_rate = 0.5, platform_not_created_rate = 0.1 } } }
local fleet = require("fleet")

local list = fleet.publish_fleet(6)
run_for(hours(25))
for _, c in ipairs(list) do fleet.claim_some(c, 2) end
run_until_quiet()
check(fleet.count_in_state(list, "EXPIRED") == 6, "all six expired despite BUSY")
