-- Proves two engines that start the same tweet step at once (X answers a post after more than a minute, so the other engine's resume timer fires while the post is on its way) tweet each step once: the step's lease lets one engine post and the other stands back. Run with --mutate skip_duplicate_tweet_check it still passes, because the lease, not X's duplicate-content refusal, is what guards the step.
scenario { name = "two engines race a tweet", seed = 11, max_time = days(10) }
world { engines = 2, audience = { users = 30, engage_probability = 0.5 },
        faults = { twitter = { latency_min = seconds(61), latency_max = seconds(90) } } }
local fleet = require("fleet")

local list = fleet.publish_fleet(6)
run_for(minutes(30))
check(fleet.count_in_state(list, "RUNNING") == 6, "all six running despite the race")
for _, c in ipairs(list) do
  check(#tweets(c) == 2, c.id .. ": two tweets: each tweet step posted once by one engine")
  check(balance("escrow:" .. c.id) == 1000000, c.id .. ": escrowed once")
end
heal()
run_for(hours(25))
for _, c in ipairs(list) do fleet.claim_some(c, 2) end
run_until_quiet()
for _, c in ipairs(list) do
  check(state(c) == "EXPIRED", c.id .. " expired (" .. tostring(state(c)) .. ")")
  check(#tweets(c) == 2, c.id .. ": still two tweets")
  check(balance("escrow:" .. c.id) == 0, c.id .. ": escrow empty")
end
