-- Proves updates apply before publishing (by the owner only, with validation) and are refused once the campaign is published.
scenario { name = "update before and after publish", seed = 6, max_time = days(10) }
world { audience = { users = 30, engage_probability = 0.5 }, accounts = { alice = 5000000 } }
local fleet = require("fleet")

local c = fleet.campaign { owner = "alice", duration = hours(12) }
local ok, why = update(c, { text = "Not yours" }, { by = "mallory" })
check(not ok and why ~= nil, "only the owner may update")
check(update(c, { text = "Updated launch text", duration = hours(6),
                  rates = { like = 50, retweet = 150, quote = 250, reply = 100 } }), "the owner updates a CREATED campaign")
local bad = pcall(update, c, { text = string.rep("x", 281) })
check(not bad, "text over 280 characters raises, naming the field")
publish(c)
run_for(minutes(5))
local late, reason = update(c, { text = "Too late" })
check(not late and reason ~= nil, "an update after publish is refused")
run_for(hours(7))
check(state(c) == "REWARD_CLAIM", "the updated 6 hour duration applied (" .. tostring(state(c)) .. ")")
for _, r in ipairs(rewards(c)) do
  check(r.amount % 50 == 0, "rewards use the updated rates")
end
run_until_quiet()
fleet.check_settled(c, "alice", 5000000)
