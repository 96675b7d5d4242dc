-- Proves dashboard clients that keep dropping (1001/1006/1012) reconnect with backoff, resync from their last sequence number and end with the engine's state.
scenario { name = "websocket disconnect storm", seed = 14, max_time = days(10) }
world { clients = 8, audience = { users = 20, engage_probability = 0.5 },
        faults = { websocket = { disconnect_rate = 0.3, slow_clients = 2 } } }
local fleet = require("fleet")

local seen = {}
on("campaign:state:v1:success", function(ev)
  local last = seen[ev.campaign_id] or 0
  check(ev.seq == last + 1, ev.campaign_id .. ": state updates arrive without gaps (" .. last .. " -> " .. ev.seq .. ")")
  seen[ev.campaign_id] = ev.seq
end)
local list = fleet.publish_fleet(5)
run_for(hours(25))
heal()
run_until_quiet()
check(fleet.count_in_state(list, "EXPIRED") == 5, "all five expired")
for _, c in ipairs(list) do check((seen[c.id] or 0) >= 6, c.id .. ": every state change was announced") end
