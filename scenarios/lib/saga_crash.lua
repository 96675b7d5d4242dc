-- One publish-saga crash drill: crash engine 1 once at `point`, restart it after
-- 30 s, and require the saga to finish with two tweets, one escrow and settled money.
local fleet = require("fleet")

return function(point)
  crash_at(point, { engine = 1, times = 1, restart_after = seconds(30) })
  local c = fleet.campaign { owner = "alice", budget = 1000000 }
  check(publish(c), "publish accepted")
  run_for(minutes(15))
  check(state(c) == "RUNNING", "the saga finished after the restart (" .. tostring(state(c)) .. ")")
  check(#tweets(c) == 2, "two tweets, not three: the crash did not repeat a tweet")
  check(balance("escrow:" .. c.id) == 1000000, "the budget was escrowed once")
  run_for(hours(25))
  fleet.claim_some(c, 3)
  run_until_quiet()
  fleet.check_settled(c, "alice", 5000000)
end
