-- Proves rule campaigns under duplicates, reordering, a crash, a busy ledger, a batch of events and poison events pay each (campaign, event) at most once, within budget, and settle every event.
scenario { name = "rule campaign duplicates and poison", seed = 11, max_time = days(3) }
world { engines = 2, accounts = { shop = 1000, bob = 0, dave = 0 },
        faults = { bus = { duplicate_rate = 0.3, delay_min = ms(1), delay_max = seconds(2), reorder = true } } }

local r = rule_campaign { owner = "shop", budget = 150, duration = hours(2),
                          rules = { { event_type = "purchase",
                                      when = { { field = "amount", op = ">", value = 50 } }, reward = 10 },
                                    { event_type = "signup", when = {}, reward = 5 } } }
check(r.id == "r-1", "first rule campaign is r-1")

-- Intake validation: refused with a reason, nothing queued.
local ok, why = customer_event { type = "purchase", user = "bob" }
check(not ok and why:find("id"), "an event without an id is refused")
ok, why = customer_event { id = "e-x", type = "purchase" }
check(not ok and why:find("user"), "an event without a user is refused")

-- Duplicates: the same event three times pays once.
for _ = 1, 3 do customer_event { id = "e-1", type = "purchase", user = "bob", payload = { amount = 75 } } end
customer_event { id = "e-2", type = "purchase", user = "carol", payload = { amount = 20 } }  -- no match
customer_event { id = "e-3", type = "signup", user = "dave" }
-- Poison: text where a number is compared.
customer_event { id = "p-1", type = "purchase", user = "eve", payload = { amount = "lots" } }
run_for(minutes(5))

crash(1, seconds(30))
for i = 4, 9 do
  customer_event { id = "e-" .. i, type = "purchase", user = "u" .. i, payload = { amount = 60 + i } }
end
run_for(minutes(10))

-- A busy ledger: payments back off and retry; some may exhaust their attempts.
-- These events come as one batch (one transaction), with a repeat and a bad one in it.
faults { hedera = { busy_rate = 0.7 } }
local batch = {}
for i = 10, 14 do
  batch[#batch + 1] = { id = "e-" .. i, type = "purchase", user = "u" .. i, payload = { amount = 99 } }
end
batch[#batch + 1] = { id = "e-10", type = "purchase", user = "u10", payload = { amount = 99 } }
batch[#batch + 1] = { id = "e-15", type = "purchase" }
local rs = customer_events(batch)
check(#rs == 7, "one answer per event of the batch")
for i = 1, 5 do check(rs[i].ok and rs[i].reason == "", "batch event " .. i .. " queued") end
check(rs[6].ok and rs[6].reason:find("duplicate"), "a repeat inside the batch is a duplicate")
check(not rs[7].ok and rs[7].reason:find("user"), "an event without a user is refused, the others queued")
run_for(minutes(30))
heal()
run_for(minutes(5))

-- Re-drive whatever gave up under the busy ledger; poison stays poison.
for _, d in ipairs(dead_letters()) do
  if d.reason == "retries_exhausted" then check(redrive(d.event_id), "redrive " .. d.event_id) end
end
run_until_quiet()

local paid, per_event = 0, {}
for _, m in ipairs(matches(r)) do
  per_event[m.event_id] = (per_event[m.event_id] or 0) + 1
  check(per_event[m.event_id] == 1, "one match for " .. m.event_id)
  if m.status == "paid" then
    paid = paid + m.reward
  else
    check(m.status == "unpaid" and m.reason ~= "", m.event_id .. " unpaid with a reason: " .. m.status)
  end
end
check(per_event["e-1"] == 1, "the duplicated event matched once")
check(per_event["e-2"] == nil, "the small purchase did not match")
check(per_event["e-3"] == 1, "signup matched")
check(paid <= 150, "paid within budget")
check(balance("bob") == 10, "bob paid exactly once")
check(balance("dave") == 5, "dave paid the signup reward")
check(balance("escrow:r-1") == 0, "escrow emptied: rewards paid and the rest refunded")

local poison = 0
for _, d in ipairs(dead_letters()) do
  check(d.reason == "poison", "only poison is left dead-lettered: " .. d.event_id)
  if d.event_id == "p-1" then poison = poison + 1; check(d.message:find("amount"), "poison names the field") end
end
check(poison == 1, "the poison event is dead-lettered")
