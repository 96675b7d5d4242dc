-- Helpers the scenarios share: standard campaigns, fleets of them, and sums.
local M = {}

M.rates = { like = 100, retweet = 300, quote = 500, reply = 200 }

-- A campaign with sensible defaults; any field of `over` replaces the default.
function M.campaign(over)
  local spec = { owner = "alice", budget = 1000000, duration = hours(24), claim_window = hours(48),
                 rates = M.rates, text = "Spread the word about our launch" }
  for k, v in pairs(over or {}) do spec[k] = v end
  return campaign(spec)
end

-- n campaigns by owners owner-1..owner-k, published at once.
function M.publish_fleet(n, over)
  local list = {}
  for i = 1, n do
    local spec = { owner = "owner-" .. ((i - 1) % 10 + 1), text = "Campaign number " .. i }
    for k, v in pairs(over or {}) do spec[k] = v end
    local c = M.campaign(spec)
    publish(c)
    list[#list + 1] = c
  end
  return list
end

function M.count_in_state(list, wanted)
  local n = 0
  for _, c in ipairs(list) do
    if state(c) == wanted then n = n + 1 end
  end
  return n
end

-- Sum of reward amounts with the given status (all when nil).
function M.reward_total(c, status)
  local total = 0
  for _, r in ipairs(rewards(c)) do
    if status == nil or r.status == status then total = total + r.amount end
  end
  return total
end

-- Claims every `every`-th reward; returns the amount claimed.
function M.claim_some(c, every)
  local claimed = 0
  for i, r in ipairs(rewards(c)) do
    if i % every == 0 then
      local ok = claim(c, r.user)
      if ok then claimed = claimed + r.amount end
    end
  end
  return claimed
end

-- Checks that the campaign finished and the owner got back all but what was claimed.
function M.check_settled(c, owner, start_balance)
  check(state(c) == "EXPIRED" or state(c) == "FAILED", c.id .. " finished (" .. tostring(state(c)) .. ")")
  check(balance("escrow:" .. c.id) == 0, c.id .. " escrow is empty")
  check(balance(owner) == start_balance - M.reward_total(c, "claimed"),
        c.id .. ": owner's balance is start minus what users claimed")
end

return M
