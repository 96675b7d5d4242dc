-- tests/swarm/shrunk/random_239_contract_twice.lua: written by clsim shrink; it failed with invariant single_contract
-- before the contract step took the payment lease (two engines registered one escrow).
-- From: build/clsim run --random --seed 239
-- Reduced from 4911 scheduled faults, 9 fault settings, 3 armed crash points, 46 actions
--           to 22 scheduled faults, 2 fault settings, 0 armed crash points, 6 actions (the run budget ended the search).
-- Run:  build/clsim run tests/swarm/shrunk/random_239_contract_twice.lua
scenario { name = "shrunk random seed 239", seed = 239, max_time = days(10) }

world {
  engines = 3,
  clients = 1,
  audience = { users = 30, engage_probability = 0.72 },
  accounts = { ["owner-1"] = 1000000000, ["owner-2"] = 1000000000, ["owner-3"] = 1000000000, ["shop-1"] = 100000, ["shop-2"] = 100000 },
  -- Under fault_schedule the rates only keep the random streams of the original run.
  faults = { twitter = { error_rate = 0.14 }, hedera = { platform_not_active_rate = 0.03 } },
}

-- Every fault that fires, by time since the start and the call it hits; nothing else fires.
fault_schedule {
  { at = 0, fault = "disk_ioerr", on = "write campaigns.db-wal", nth = 69 },
  { at = 0, fault = "disk_ioerr", on = "read campaigns.db-wal", nth = 16 },
  { at = 0, fault = "disk_ioerr", on = "read campaigns.db-wal", nth = 48 },
  { at = minutes(1) + ms(252) + 483, fault = "disk_ioerr", on = "write campaigns.db-wal" },
  { at = hours(2) + minutes(21) + ms(538) + 232, fault = "disk_ioerr", on = "read campaigns.db-wal", nth = 2 },
  { at = hours(2) + minutes(22), fault = "disk_ioerr", on = "read campaigns.db" },
  { at = hours(2) + minutes(22) + 200, fault = "twitter_error", on = "POST /2/tweets c-2" },
  { at = hours(2) + minutes(22) + ms(252) + 483, fault = "disk_ioerr", on = "read campaigns.db", nth = 2 },
  { at = hours(2) + minutes(22) + seconds(1) + ms(357) + 649, fault = "disk_ioerr", on = "write campaigns.db-wal", nth = 5 },
  { at = hours(2) + minutes(22) + seconds(2) + ms(108) + 690, fault = "disk_ioerr", on = "write campaigns.db-wal", nth = 8 },
  { at = hours(2) + minutes(22) + seconds(13) + ms(163) + 392, fault = "twitter_error", on = "GET /2/tweets/search/recent c-2" },
  { at = hours(2) + minutes(22) + seconds(25) + ms(994) + 734, fault = "twitter_error", on = "GET /2/tweets/search/recent c-2" },
  { at = hours(2) + minutes(22) + seconds(30), fault = "disk_ioerr", on = "read campaigns.db-wal", nth = 2 },
  { at = hours(2) + minutes(22) + seconds(30) + ms(538) + 232, fault = "disk_ioerr", on = "write campaigns.db-wal", nth = 3 },
  { at = hours(2) + minutes(22) + seconds(32) + ms(981) + 556, fault = "twitter_error", on = "GET /2/tweets/search/recent c-2" },
  { at = hours(2) + minutes(22) + seconds(36) + ms(174) + 724, fault = "disk_ioerr", on = "read campaigns.db-wal", nth = 7 },
  { at = hours(2) + minutes(22) + seconds(42) + ms(726) + 352, fault = "disk_ioerr", on = "write campaigns.db-wal", nth = 12 },
  { at = hours(2) + minutes(22) + seconds(44) + ms(358) + 237, fault = "twitter_error", on = "GET /2/tweets/search/recent c-2" },
  { at = hours(2) + minutes(22) + seconds(45) + ms(190) + 433, fault = "twitter_error", on = "GET /2/tweets/search/recent c-2" },
  { at = hours(2) + minutes(22) + seconds(45) + ms(765) + 185, fault = "hedera_throttled_at_consensus", on = "memo clsim:c-2:escrow" },
  { at = hours(2) + minutes(22) + seconds(45) + ms(765) + 485, fault = "disk_ioerr", on = "read campaigns.db" },
  { at = hours(2) + minutes(22) + seconds(50) + ms(410) + 751, fault = "disk_ioerr", on = "sync campaigns.db-wal" },
}

local t0 = now()
local function at(offset) if t0 + offset > now() then run_for(t0 + offset - now()) end end
-- As in the random run: a create the engine refuses leaves its campaign out.
local function try(create, spec) local ok, handle = pcall(create, spec) if ok then return handle end end
local function claim_every(c, every)
  for i, r in ipairs(rewards(c)) do if i % every == 0 then claim(c, r.user) end end
end

at(hours(1) + minutes(5) + 1) customer_event { id = "e-14", type = "purchase", user = "u6", payload = { amount = 61 } }
at(hours(1) + minutes(11)) local c1 = try(campaign, { owner = "owner-3", budget = 843637, duration = hours(16) + minutes(38), claim_window = hours(3) + minutes(7), rates = { like = 175, retweet = 670, quote = 111, reply = 99 }, text = "Random campaign 1" })
at(hours(1) + minutes(51) + 1) customer_event { id = "e-15", type = "purchase", user = "u2", payload = { amount = 83 } }
at(hours(1) + minutes(55)) local c2 = try(campaign, { owner = "owner-3", budget = 469474, duration = hours(3) + minutes(27), claim_window = days(1) + hours(21) + minutes(8), rates = { like = 259, retweet = 597, quote = 262, reply = 69 }, text = "Random campaign 2" })
at(hours(2) + minutes(22)) if c2 then publish(c2, { by = "owner-3" }) end
at(hours(3) + minutes(20)) if c1 then update(c1, { text = "Changed after publish" }, { by = "owner-3" }) end
