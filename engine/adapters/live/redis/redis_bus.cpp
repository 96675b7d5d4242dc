#include "engine/adapters/live/redis/redis_bus.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <memory>
#include <utility>

namespace clsim::live {

using engine::BusDelivery;
using engine::BusMessage;
using engine::Duration;
using engine::PublishResult;

namespace {

constexpr int kAutoclaimRoundsMax = 100;  // 100 rounds of COUNT 100: 10,000 entries per call
constexpr const char* kClaimBatch = "100";

RedisConnectionOptions command_options(const RedisBusOptions& options) {
  RedisConnectionOptions out;
  out.name = "commands";
  out.connect_timeout = options.command_timeout;
  out.reconnect_min = options.reconnect_min;
  out.reconnect_max = options.reconnect_max;
  out.metrics = options.metrics;
  return out;
}

// INFO's text is "key:value\r\n" lines under "# Section" headers.
std::string info_field(const std::string& info, const std::string& key) {
  const std::string prefix = key + ":";
  std::size_t pos = 0;
  while (pos < info.size()) {
    std::size_t end = info.find('\n', pos);
    if (end == std::string::npos) end = info.size();
    std::string line = info.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.compare(0, prefix.size(), prefix) == 0) return line.substr(prefix.size());
    pos = end + 1;
  }
  return "";
}

}  // namespace

struct RedisBus::Claim {
  std::string stream, group, consumer, min_idle_ms;
  std::string cursor = "0-0";
  int rounds = 0;
  std::vector<BusDelivery> out;    // complete: claimed, with their delivery counts
  std::vector<BusDelivery> batch;  // this round's entries, counted up to `counted`
  std::size_t counted = 0;
  std::function<void(std::vector<BusDelivery>)> done;
};

RedisBus::RedisBus(boost::asio::io_context& io, RedisEndpoint endpoint, RedisBusOptions options)
    : io_(io),
      endpoint_(std::move(endpoint)),
      options_(options),
      commands_(io, endpoint_, command_options(options)) {
  CLSIM_ASSERT(hooks_, options_.command_timeout.count() > 0, "command_timeout must be positive");
  CLSIM_ASSERT(hooks_, options_.block.count() >= 1000, "block under 1 ms would be BLOCK 0: forever");
  CLSIM_ASSERT(hooks_, options_.read_count > 0, "read_count must be positive");
  commands_.start([this] { read_run_id(); });
}

RedisBus::~RedisBus() = default;

bool RedisBus::connected() const { return commands_.connected(); }

void RedisBus::read_run_id() {
  run_id_.clear();
  commands_.command({"INFO", "server"}, options_.command_timeout, [this](RedisReply r) {
    if (r.type == RedisReply::Type::string) run_id_ = info_field(r.str, "run_id");
  });
}

void RedisBus::publish(std::string stream, BusMessage msg, std::function<void(PublishResult)> done) {
  commands_.command(xadd_argv(stream, msg), options_.command_timeout, [done = std::move(done)](RedisReply r) {
    PublishResult result;
    // No reply: the XADD may still have run (the reply was lost); a retry may
    // add the message twice, which the consumers' inbox dedupes.
    result.ok = r.type == RedisReply::Type::string;
    if (result.ok) result.entry_id = r.str;
    done(result);
  });
}

void RedisBus::publish_batch(std::string stream, std::vector<BusMessage> msgs,
                             std::function<void(std::vector<PublishResult>)> done) {
  if (msgs.empty()) return done({});
  struct Pipeline {
    std::vector<PublishResult> results;
    std::size_t answered = 0;
    std::function<void(std::vector<PublishResult>)> done;
  };
  auto p = std::make_shared<Pipeline>(Pipeline{std::vector<PublishResult>(msgs.size()), 0, std::move(done)});
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    commands_.command(xadd_argv(stream, msgs[i]), options_.command_timeout, [p, i](RedisReply r) {
      p->results[i].ok = r.type == RedisReply::Type::string;
      if (p->results[i].ok) p->results[i].entry_id = r.str;
      if (++p->answered < p->results.size()) return;
      // After the first failure nothing counts as published, so a resend keeps the order.
      bool failed = false;
      for (auto& res : p->results) {
        if (failed) res = PublishResult{false, {}};
        failed = failed || !res.ok;
      }
      p->done(std::move(p->results));
    });
  }
}

void RedisBus::subscribe(std::string stream, std::string group, std::string consumer,
                         std::function<void(BusDelivery)> on_delivery) {
  subs_.push_back(std::make_unique<RedisSubscription>(io_, endpoint_, options_, std::move(stream), std::move(group),
                                                      std::move(consumer), std::move(on_delivery),
                                                      [this](std::string s) {
                                                        if (group_created_) group_created_(std::move(s));
                                                      }));
}

void RedisBus::ack(std::string stream, std::string group, std::string entry_id) {
  // Not connected or lost: the entry stays pending and is claimed again later.
  commands_.command({"XACK", std::move(stream), std::move(group), std::move(entry_id)}, options_.command_timeout,
                    [](RedisReply) {});
}

void RedisBus::ping(std::function<void(bool)> done) {
  commands_.command({"PING"}, options_.command_timeout, [done = std::move(done)](RedisReply r) {
    done(r.type == RedisReply::Type::status && r.str == "PONG");
  });
}

void RedisBus::claim_stale(std::string stream, std::string group, std::string consumer, Duration min_idle,
                           std::function<void(std::vector<BusDelivery>)> done) {
  auto claim = std::make_shared<Claim>();
  claim->stream = std::move(stream);
  claim->group = std::move(group);
  claim->consumer = std::move(consumer);
  claim->min_idle_ms = std::to_string(min_idle.count() < 0 ? 0 : min_idle.count() / 1000);
  claim->done = std::move(done);
  claim_round(std::move(claim));
}

// One XAUTOCLAIM from the cursor. Every completion below runs from a reply
// handler (posted), so finishing never runs inside claim_stale itself.
void RedisBus::claim_round(std::shared_ptr<Claim> claim) {
  if (claim->rounds >= kAutoclaimRoundsMax) return claim_finish(*claim);
  ++claim->rounds;
  commands_.command({"XAUTOCLAIM", claim->stream, claim->group, claim->consumer, claim->min_idle_ms, claim->cursor,
                     "COUNT", kClaimBatch},
                    options_.command_timeout, [this, claim](RedisReply r) {
                      // Redis 7 answers [cursor, entries, deleted ids]; anything else
                      // (NOGROUP, no reply) ends the claim with what it has.
                      if (r.type != RedisReply::Type::array || r.elements.size() != 3) return claim_finish(*claim);
                      claim->cursor = r.elements[0].str;
                      claim->batch.clear();
                      claim->counted = 0;
                      for (const RedisReply& entry : r.elements[1].elements)
                        if (auto d = parse_stream_entry(claim->stream, entry)) claim->batch.push_back(std::move(*d));
                      claim_count(claim);
                    });
}

// XAUTOCLAIM does not say how often an entry was delivered; XPENDING does.
void RedisBus::claim_count(std::shared_ptr<Claim> claim) {
  if (claim->counted == claim->batch.size()) {
    std::move(claim->batch.begin(), claim->batch.end(), std::back_inserter(claim->out));
    claim->batch.clear();
    claim->counted = 0;
    if (claim->cursor == "0-0") return claim_finish(*claim);
    return claim_round(std::move(claim));
  }
  const std::string id = claim->batch[claim->counted].entry_id;
  commands_.command({"XPENDING", claim->stream, claim->group, id, id, "1"}, options_.command_timeout,
                    [this, claim](RedisReply r) {
                      if (r.type != RedisReply::Type::array) return claim_finish(*claim);
                      // [[id, consumer, idle ms, deliveries]]; empty when acked meanwhile.
                      std::int64_t deliveries = 1;
                      if (!r.elements.empty() && r.elements[0].elements.size() == 4 &&
                          r.elements[0].elements[3].type == RedisReply::Type::integer)
                        deliveries = r.elements[0].elements[3].integer;
                      claim->batch[claim->counted++].deliveries = deliveries;
                      claim_count(claim);
                    });
}

// What was gathered: every complete round, and the counted part of this one.
void RedisBus::claim_finish(Claim& claim) {
  std::vector<BusDelivery> out = std::move(claim.out);
  const auto counted = static_cast<std::ptrdiff_t>(claim.counted);
  std::move(claim.batch.begin(), claim.batch.begin() + counted, std::back_inserter(out));
  auto done = std::move(claim.done);
  done(std::move(out));
}

}  // namespace clsim::live
