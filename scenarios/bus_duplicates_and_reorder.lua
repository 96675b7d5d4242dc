-- Proves duplicated, delayed and reordered bus deliveries across two engines change nothing: each step's effects apply once.
scenario { name = "bus duplicates and reorder", seed = 7, max_time = days(10) }
world { engines = 2, audience = { users = 30, engage_probability = 0.5 },
        faults = { bus = { duplicate_rate = 0.3, delay_min = ms(1), delay_max = seconds(2), reorder = true } } }
local fleet = require("fleet")

local list = fleet.publish_fleet(6)
run_for(minutes(30))
check(fleet.count_in_state(list, "RUNNING") == 6, "all six running despite duplicates")
for _, c in ipairs(list) do
  check(#tweets(c) == 2, c.id .. ": two tweets")
  check(balance("escrow:" .. c.id) == 1000000, c.id .. ": escrowed once")
end
run_for(hours(25))
for _, c in ipairs(list) do fleet.claim_some(c, 2) end
heal()
run_until_quiet()
check(fleet.count_in_state(list, "EXPIRED") == 6, "all six expired")
