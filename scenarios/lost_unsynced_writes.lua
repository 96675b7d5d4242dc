-- Proves power losses that drop unsynced disk writes lose no committed state: the engine recovers from the WAL and finishes every campaign.
scenario { name = "lost unsynced writes", seed = 12, max_time = days(10) }
world { engines = 2, audience = { users = 30, engage_probability = 0.5 },
        faults = { disk = { lose_unsynced_on_crash = true, torn_write = true } } }
local fleet = require("fleet")

local list = fleet.publish_fleet(4)
crash_at("after_first_tweet", { restart_after = seconds(20) })
run_for(minutes(3))
crash(1)
after(seconds(40), function() restart(1); restart(2) end)
run_for(hours(3))
crash(2)
after(minutes(1), function() restart(1); restart(2) end)
run_for(hours(23))
for _, c in ipairs(list) do fleet.claim_some(c, 2) end
run_until_quiet()
check(fleet.count_in_state(list, "EXPIRED") == 4, "all four expired after power losses")
for _, c in ipairs(list) do check(#tweets(c) == 2, c.id .. ": two tweets") end
