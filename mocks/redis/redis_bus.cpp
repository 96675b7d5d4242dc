#include "mocks/redis/redis_bus.hpp"

#include <utility>

#include "engine/core/distributions.hpp"

namespace clsim::mocks {

using engine::BusDelivery;
using engine::BusMessage;
using engine::Duration;
using engine::PublishResult;

namespace {

constexpr int kAutoclaimRoundsMax = 100;  // 100 rounds of COUNT 100: 10,000 entries per call
constexpr const char* kClaimBatch = "100";

}  // namespace

RedisBus::RedisBus(RedisMock& redis, BusFaults& faults, engine::Clock& clock)
    : redis_(redis), faults_(faults), clock_(clock) {}

RedisBus::~RedisBus() {
  for (const auto& s : subs_) redis_.remove_group_reader(s.reader);
}

Fields RedisBus::to_fields(const BusMessage& msg) {
  return {{"event_id", msg.event_id}, {"type", msg.type}, {"payload", msg.payload}};
}

BusMessage RedisBus::from_fields(const Fields& fields) {
  BusMessage msg;
  for (const auto& [f, v] : fields) {
    if (f == "event_id") msg.event_id = v;
    else if (f == "type") msg.type = v;
    else if (f == "payload") msg.payload = v;
  }
  return msg;
}

Reply RedisBus::run(const std::vector<std::string>& argv) { return redis_.execute(argv, clock_.now()); }

bool RedisBus::partitioned(const char* command, const std::string& stream) {
  if (!faults_.decide(faults_.config.partition_rate, "bus_partition", command, stream)) return false;
  faults_.count("bus_partition");
  return true;
}

void RedisBus::after(Duration delay, const char* label, std::function<void()> fn) {
  std::weak_ptr<int> alive = alive_;
  clock_.start_wait(delay, engine::TimerKind::foreground, label,
                    [alive, fn = std::move(fn)](boost::system::error_code ec) {
                      if (!ec && !alive.expired()) fn();
                    });
}

void RedisBus::publish(std::string stream, BusMessage msg, std::function<void(PublishResult)> done) {
  PublishResult result = xadd(stream, msg);
  after(faults_.config.command_latency, "bus:publish", [done = std::move(done), result] { done(result); });
}

// One pipeline on one connection: the XADDs run in order and are answered in one
// round trip. A drop ends it: the command it cut may have run, the rest did not.
void RedisBus::publish_batch(std::string stream, std::vector<BusMessage> msgs,
                             std::function<void(std::vector<PublishResult>)> done) {
  std::vector<PublishResult> results;
  results.reserve(msgs.size());
  for (const auto& msg : msgs) {
    if (!results.empty() && !results.back().ok) {
      results.push_back(PublishResult{false, {}});
      continue;
    }
    results.push_back(xadd(stream, msg));
  }
  after(faults_.config.command_latency, "bus:publish",
        [done = std::move(done), results = std::move(results)]() mutable { done(std::move(results)); });
}

PublishResult RedisBus::xadd(const std::string& stream, const BusMessage& msg) {
  std::vector<std::string> argv{"XADD", stream, "*"};
  for (auto& [f, v] : to_fields(msg)) argv.insert(argv.end(), {f, v});
  PublishResult result;
  if (partitioned("XADD", stream)) {
    // The connection dropped: before the command reached Redis, or after it ran
    // and only the reply was lost (then a retry adds the message twice).
    if (engine::bernoulli(faults_.random(), 0.5)) run(argv);
    result.ok = false;
  } else {
    const Reply r = run(argv);
    result.ok = r.type == Reply::Type::bulk;
    if (result.ok) result.entry_id = r.str;
  }
  return result;
}

// A group created by its first subscriber starts at 0: entries published before
// any consumer existed are still delivered (at least once, from the beginning).
void RedisBus::subscribe(std::string stream, std::string group, std::string consumer,
                         std::function<void(BusDelivery)> on_delivery) {
  run({"XGROUP", "CREATE", stream, group, "0", "MKSTREAM"});  // BUSYGROUP is fine
  const std::size_t index = subs_.size();
  subs_.push_back(Subscription{stream, std::move(on_delivery), 0});
  subs_[index].reader = redis_.add_group_reader(
      std::move(stream), std::move(group), std::move(consumer),
      [this, index](const RedisMock::GroupPush& push) { on_push(index, push); }, clock_.now());
}

Duration RedisBus::delivery_delay() {
  const auto& cfg = faults_.config;
  Duration delay = cfg.delivery_latency;
  if (cfg.delay_max.count() > 0) {
    const auto lo = std::min(cfg.delay_min, cfg.delay_max), hi = std::max(cfg.delay_min, cfg.delay_max);
    const Duration extra(engine::uniform_range(faults_.random(), lo.count(), hi.count()));
    if (extra.count() > 0) faults_.count("bus_delay");
    delay += extra;
  }
  return delay;
}

// The entry is in the PEL already (Redis added it when it served the blocked
// read); the delay is the network between Redis and this engine.
void RedisBus::on_push(std::size_t sub, const RedisMock::GroupPush& push) {
  BusDelivery delivery{push.key, push.id.str(), from_fields(push.fields), push.deliveries};
  const auto now = clock_.now();
  const bool reorder = faults_.config.reorder;
  auto due = now + delivery_delay();
  if (!reorder && due <= last_due_) due = last_due_ + Duration(1);
  if (reorder && due < last_due_) faults_.count("bus_reorder");
  deliver_at(sub, due, delivery);

  if (faults_.decide(faults_.config.duplicate_rate, "bus_duplicate", delivery.stream.c_str(), delivery.message.type)) {
    faults_.count("bus_duplicate");
    // Seen again, as after a reconnect re-reads the pending entry: one more delivery.
    BusDelivery again = delivery;
    ++again.deliveries;
    auto again_due = due + delivery_delay();
    if (!reorder && again_due <= last_due_) again_due = last_due_ + Duration(1);
    deliver_at(sub, again_due, std::move(again));
  }
}

void RedisBus::deliver_at(std::size_t sub, engine::TimePoint due, BusDelivery delivery) {
  if (due > last_due_) last_due_ = due;
  after(due - clock_.now(), "bus:deliver",
        [this, sub, delivery = std::move(delivery)] { subs_[sub].on_delivery(delivery); });
}

void RedisBus::ack(std::string stream, std::string group, std::string entry_id) {
  if (partitioned("XACK", stream)) return;  // the XACK never arrived: the entry stays pending
  run({"XACK", stream, group, entry_id});
}

void RedisBus::claim_stale(std::string stream, std::string group, std::string consumer, Duration min_idle,
                           std::function<void(std::vector<BusDelivery>)> done) {
  std::vector<BusDelivery> claimed;
  if (!partitioned("XAUTOCLAIM", stream)) claimed = autoclaim(stream, group, consumer, min_idle);
  after(faults_.config.command_latency, "bus:claim",
        [done = std::move(done), claimed = std::move(claimed)] { done(claimed); });
}

std::vector<BusDelivery> RedisBus::autoclaim(const std::string& stream, const std::string& group,
                                             const std::string& consumer, Duration min_idle) {
  std::vector<BusDelivery> out;
  const std::string min_idle_ms = std::to_string(min_idle.count() < 0 ? 0 : min_idle.count() / 1000);
  std::string cursor = "0-0";
  for (int round = 0; round < kAutoclaimRoundsMax; ++round) {
    const Reply r = run({"XAUTOCLAIM", stream, group, consumer, min_idle_ms, cursor, "COUNT", kClaimBatch});
    if (r.type != Reply::Type::array || r.elements.size() != 3) break;  // NOGROUP: nothing to claim
    for (const Reply& entry : r.elements[1].elements) {
      const std::string& id = entry.elements[0].str;
      Fields fields;
      const auto& fv = entry.elements[1].elements;
      for (std::size_t i = 0; i + 1 < fv.size(); i += 2) fields.emplace_back(fv[i].str, fv[i + 1].str);
      // XAUTOCLAIM does not say how often the entry was delivered; XPENDING does.
      const Reply p = run({"XPENDING", stream, group, id, id, "1"});
      const std::int64_t deliveries = p.elements.empty() ? 1 : p.elements[0].elements[3].integer;
      out.push_back(BusDelivery{stream, id, from_fields(fields), deliveries});
    }
    cursor = r.elements[0].str;
    if (cursor == "0-0") break;
  }
  return out;
}

}  // namespace clsim::mocks
