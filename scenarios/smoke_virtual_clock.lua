-- Proves the run loop: virtual time jumps to due events in order, ties and random delays are seeded, and nothing waits in real time.
scenario { name = "virtual clock smoke", seed = 7, max_time = days(2) }

local fired = {}
local start = now()
for i = 1, 20 do
  local delay = seconds(math.random(1, 3600))
  after(delay, function()
    fired[#fired + 1] = { i = i, at = now() - start, want = delay }
  end)
end
after(days(1), function() fired.late = now() - start end)

run_for(hours(1))
check(now() - start == hours(1), "run_for advances virtual time exactly")
check(#fired == 20, "every event due within the hour has fired")
local ordered = true
for k = 1, #fired do
  check(fired[k].at == fired[k].want, "event " .. fired[k].i .. " fired at its due time")
  if k > 1 and fired[k].at < fired[k - 1].at then ordered = false end
end
check(ordered, "events fire in due-time order")

run_until_quiet()
check(fired.late == days(1), "run_until_quiet jumps straight to the last due event")
