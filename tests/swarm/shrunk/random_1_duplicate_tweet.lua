-- kept for: sometimes duplicate_tweet_prevented
-- tests/swarm/shrunk/random_1_duplicate_tweet.lua: written by clsim shrink. It fails with invariant no_duplicate_tweet.
-- From: build/clsim run --random --seed 1 --focused --fault twitter.timeout_after_create_rate=0.5 --mutate skip_duplicate_tweet_check
-- Reduced from 6 scheduled faults, 1 fault settings, 2 armed crash points, 6 actions
--           to 0 scheduled faults, 0 fault settings, 1 armed crash points, 3 actions.
-- Run:  build/clsim run tests/swarm/shrunk/random_1_duplicate_tweet.lua --mutate skip_duplicate_tweet_check
scenario { name = "shrunk random seed 1", seed = 1, max_time = days(10) }

world {
  engines = 3,
  clients = 1,
  audience = { users = 22, engage_probability = 0.69 },
  accounts = { ["owner-1"] = 1000000000, ["owner-2"] = 1000000000, ["owner-3"] = 1000000000, ["shop-1"] = 100000, ["shop-2"] = 100000 },
}

-- Every fault that fires, by time since the start and the call it hits; nothing else fires.
fault_schedule {
}
crash_at("after_second_tweet", { engine = 2, times = 1, restart_after = seconds(13) })

local t0 = now()
local function at(offset) if t0 + offset > now() then run_for(t0 + offset - now()) end end
-- As in the random run: a create the engine refuses leaves its campaign out.
local function try(create, spec) local ok, handle = pcall(create, spec) if ok then return handle end end
local function claim_every(c, every)
  for i, r in ipairs(rewards(c)) do if i % every == 0 then claim(c, r.user) end end
end

at(minutes(48)) crash(2, minutes(2))
at(hours(1) + minutes(4)) local c1 = try(campaign, { owner = "owner-1", budget = 1778248, duration = hours(20) + minutes(37), claim_window = days(1) + hours(2) + minutes(47), rates = { like = 192, retweet = 572, quote = 669, reply = 414 }, text = "Random campaign 1" })
at(hours(1) + minutes(27)) if c1 then publish(c1, { by = "owner-1" }) end
