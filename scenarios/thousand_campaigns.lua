-- Proves 1,000 concurrent campaigns from 10 owners all publish, close and expire within the rate limits, with money conserved across the ledger.
scenario { name = "1000 concurrent campaigns", seed = 15, max_time = days(10) }
world { clients = 2, audience = { users = 200, engage_probability = 0.05 },
        faults = { twitter = { rate_limit = true } } }
local fleet = require("fleet")

local list = fleet.publish_fleet(1000, { budget = 100000, duration = hours(24), claim_window = hours(24) })
run_for(hours(6))
check(fleet.count_in_state(list, "RUNNING") == 1000, "all 1000 running within 6 hours (" ..
      fleet.count_in_state(list, "RUNNING") .. ")")
run_until_quiet()
check(fleet.count_in_state(list, "EXPIRED") == 1000, "all 1000 expired")
