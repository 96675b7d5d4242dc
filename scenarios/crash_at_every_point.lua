-- Proves the engine recovers from a crash at every named crash point, on two engines, with every invariant holding and the money settled.
scenario { name = "crash at every point", seed = 16, max_time = days(10) }
world { engines = 2, audience = { users = 40, engage_probability = 0.5 }, accounts = { alice = 50000000 } }
local fleet = require("fleet")

local points = { "before_first_tweet", "after_first_tweet", "after_contract", "after_second_tweet",
                 "during_close", "after_refund", "after_claim_transfer", "after_outbox_publish" }
for _, p in ipairs(points) do crash_at(p, { times = 2, restart_after = seconds(5) }) end

local list = {}
for i = 1, 4 do
  list[i] = fleet.campaign { owner = "alice", text = "Campaign " .. i }
  check(publish(list[i]), "publish " .. list[i].id)
end
run_for(hours(25))
for _, c in ipairs(list) do
  check(state(c) == "REWARD_CLAIM", c.id .. " reached REWARD_CLAIM (" .. tostring(state(c)) .. ")")
  fleet.claim_some(c, 2)
end
run_until_quiet()
for _, c in ipairs(list) do
  check(state(c) == "EXPIRED", c.id .. " expired")
  check(#tweets(c) == 2, c.id .. ": two tweets")
  check(balance("escrow:" .. c.id) == 0, c.id .. ": escrow empty")
end
local claimed = 0
for _, c in ipairs(list) do claimed = claimed + fleet.reward_total(c, "claimed") end
check(claimed > 0, "claims were paid")
check(balance("alice") == 50000000 - claimed, "the owner got back everything not claimed")
