-- Proves the engine lives within the X API's documented rate limits: 70 campaigns publish and are polled, 429s are waited out, and nothing is lost.
scenario { name = "twitter rate limit storm", seed = 8, max_time = days(10) }
world { audience = { users = 120, engage_probability = 0.4 }, faults = { twitter = { rate_limit = true } } }
local fleet = require("fleet")

local list = fleet.publish_fleet(70, { owner = "alice" })
run_for(hours(3))
check(fleet.count_in_state(list, "RUNNING") == 70, "all 70 running: the per-user posting limit was waited out")
run_until_quiet()
check(fleet.count_in_state(list, "EXPIRED") == 70, "all 70 expired")
for _, c in ipairs(list) do check(#tweets(c) == 2, c.id .. ": two tweets") end
