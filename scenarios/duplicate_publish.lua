-- Proves a repeated publish request is refused with a reason and starts no second saga, and that only the owner may publish.
scenario { name = "duplicate publish", seed = 5, max_time = days(10) }
world { audience = { users = 20 }, accounts = { alice = 5000000 } }
local fleet = require("fleet")

local c = fleet.campaign { owner = "alice" }
local ok, why = publish(c, { by = "mallory" })
check(not ok and why ~= nil, "a stranger cannot publish")
check(publish(c), "the owner publishes")
local again, reason = publish(c)
check(not again, "a second publish is refused")
check(reason ~= nil and #reason > 0, "the refusal says why")
run_for(minutes(5))
local third = publish(c)
check(not third, "publishing a RUNNING campaign is refused")
check(#tweets(c) == 2, "one saga: two tweets")
run_until_quiet()
fleet.check_settled(c, "alice", 5000000)
