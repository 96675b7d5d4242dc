// XCLAIM and XAUTOCLAIM: ownership changes in a group's PEL, with Redis 7.0's
// rules (min-idle, delivery count +1 unless JUSTID, deleted entries dropped).
#include "mocks/redis/redis_mock.hpp"

namespace clsim::mocks {

// XCLAIM's arguments after the group: min-idle, the ids, then the options.
struct RedisMock::ClaimArgs {
  std::int64_t min_idle_ms = 0;
  std::vector<StreamId> ids;
  bool force = false, justid = false;
  std::int64_t retrycount = -1;  // -1: the delivery count goes up by one (unless JUSTID)
  std::int64_t delivery_ms = 0;  // the claimed entries' new delivery time
  StreamId last_id;
};

std::optional<Reply> RedisMock::parse_claim(const std::vector<std::string>& a, std::int64_t now_ms, ClaimArgs& o) {
  auto min_idle = parse_i64(a[4]);
  if (!min_idle) return Reply::error("ERR Invalid min-idle-time argument for XCLAIM");
  o.min_idle_ms = *min_idle < 0 ? 0 : *min_idle;
  std::size_t j = 5;
  for (; j < a.size(); ++j) {
    auto id = parse_strict_id(a[j]);
    if (!id) break;  // perhaps the options start here
    o.ids.push_back(*id);
  }
  std::int64_t delivery_ms = -1;
  for (; j < a.size(); ++j) {
    const bool more = j + 1 < a.size();
    if (keyword(a[j], "FORCE")) {
      o.force = true;
    } else if (keyword(a[j], "JUSTID")) {
      o.justid = true;
    } else if ((keyword(a[j], "IDLE") || keyword(a[j], "TIME") || keyword(a[j], "RETRYCOUNT")) && more) {
      const std::string opt = keyword(a[j], "IDLE") ? "IDLE" : keyword(a[j], "TIME") ? "TIME" : "RETRYCOUNT";
      auto v = parse_i64(a[++j]);
      if (!v) return Reply::error("ERR Invalid " + opt + " option argument for XCLAIM");
      if (opt == "IDLE") delivery_ms = now_ms - *v;
      else if (opt == "TIME") delivery_ms = *v;
      else o.retrycount = *v;
    } else if (keyword(a[j], "LASTID") && more) {
      auto id = parse_strict_id(a[++j]);
      if (!id) return Reply::error(kInvalidStreamId);
      o.last_id = *id;
    } else {
      return Reply::error("ERR Unrecognized XCLAIM option '" + a[j] + "'");
    }
  }
  o.delivery_ms = delivery_ms < 0 || delivery_ms > now_ms ? now_ms : delivery_ms;
  return std::nullopt;
}

Reply RedisMock::claim(const Stream& s, Group& g, const std::string& consumer, const ClaimArgs& o,
                       std::int64_t now_ms) {
  auto& mine = g.consumers[consumer];
  std::vector<Reply> claimed;
  for (StreamId id : o.ids) {
    auto nack = g.pel.find(id);
    if (!s.entries.count(id)) {
      drop_nack(g, id);  // the entry is gone: nothing left to claim
      continue;
    }
    bool fresh = false;
    if (o.force && nack == g.pel.end()) {
      nack = g.pel.emplace(id, Nack{consumer, now_ms, 1}).first;
      fresh = true;
    }
    if (nack == g.pel.end()) continue;
    if (!fresh && o.min_idle_ms && now_ms - nack->second.delivery_ms < o.min_idle_ms) continue;
    if (!fresh && nack->second.consumer != consumer) g.consumers[nack->second.consumer].erase(id);
    nack->second.consumer = consumer;
    nack->second.delivery_ms = o.delivery_ms;
    if (o.retrycount >= 0) nack->second.deliveries = o.retrycount;
    else if (!o.justid) ++nack->second.deliveries;
    mine.insert(id);
    claimed.push_back(o.justid ? Reply::bulk(id.str()) : entry_reply(s, id));
  }
  return Reply::array(std::move(claimed));
}

// XCLAIM key group consumer min-idle id... [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]
Reply RedisMock::cmd_xclaim(const Ctx& c) {
  const auto& a = c.argv;
  bool wrong_type = false;
  Stream* s = lookup_stream(a[1], c.now_ms, wrong_type);
  if (wrong_type) return Reply::error(kWrongType);
  if (!s || !s->groups.count(a[2])) return no_such_group(a[1], a[2]);
  Group& g = s->groups.at(a[2]);
  ClaimArgs o;
  if (auto error = parse_claim(a, c.now_ms, o)) return *error;
  if (o.last_id > g.last_delivered) g.last_delivered = o.last_id;
  return claim(*s, g, a[3], o, c.now_ms);
}

// XAUTOCLAIM key group consumer min-idle start [COUNT n] [JUSTID]
// -> [next-cursor, claimed, deleted-ids]; scans at most COUNT*10 PEL entries.
Reply RedisMock::cmd_xautoclaim(const Ctx& c) {
  const auto& a = c.argv;
  auto min_idle = parse_i64(a[4]);
  if (!min_idle) return Reply::error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
  const std::int64_t min_idle_ms = *min_idle < 0 ? 0 : *min_idle;
  auto start = parse_interval_id(a[5], 0);
  if (!start) return Reply::error(kInvalidStreamId);
  if (start->exclusive && !start->id.increment()) return Reply::error("ERR invalid start ID for the interval");
  std::int64_t count = 100;
  bool justid = false;
  for (std::size_t j = 6; j < a.size(); ++j) {
    const bool more = j + 1 < a.size();
    if (keyword(a[j], "COUNT") && more) {
      auto n = parse_i64(a[j + 1]);
      if (!n || *n < 1 || *n > INT64_MAX / 16) return Reply::error("ERR COUNT must be > 0");
      count = *n;
      ++j;
    } else if (keyword(a[j], "JUSTID")) {
      justid = true;
    } else {
      return Reply::error(kSyntaxError);
    }
  }
  bool wrong_type = false;
  Stream* s = lookup_stream(a[1], c.now_ms, wrong_type);
  if (wrong_type) return Reply::error(kWrongType);
  if (!s || !s->groups.count(a[2])) return no_such_group(a[1], a[2]);
  Group& g = s->groups.at(a[2]);
  const std::string& consumer = a[3];
  auto& mine = g.consumers[consumer];

  std::int64_t attempts = count * 10;
  std::vector<Reply> claimed, deleted;
  auto it = g.pel.lower_bound(start->id);
  while (attempts-- && count && it != g.pel.end()) {
    const StreamId id = it->first;
    Nack& nack = it->second;
    if (!s->entries.count(id)) {
      // Gone from the stream: leaves the PEL, reported, and counts toward COUNT.
      g.consumers[nack.consumer].erase(id);
      it = g.pel.erase(it);
      deleted.push_back(Reply::bulk(id.str()));
      --count;
      continue;
    }
    ++it;
    if (min_idle_ms && c.now_ms - nack.delivery_ms < min_idle_ms) continue;
    if (nack.consumer != consumer) g.consumers[nack.consumer].erase(id);
    nack.consumer = consumer;
    nack.delivery_ms = c.now_ms;
    if (!justid) ++nack.deliveries;
    mine.insert(id);
    claimed.push_back(justid ? Reply::bulk(id.str()) : entry_reply(*s, id));
    --count;
  }
  const std::string cursor = it == g.pel.end() ? "0-0" : it->first.str();
  return Reply::array({Reply::bulk(cursor), Reply::array(std::move(claimed)), Reply::array(std::move(deleted))});
}

}  // namespace clsim::mocks
