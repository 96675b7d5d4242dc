// Consumer-group reads: XREADGROUP, XPENDING, XCLAIM, XAUTOCLAIM (Redis 7.0
// semantics: deleted entries leave the PEL on claim, XAUTOCLAIM reports them).
#include "mocks/redis/redis_mock.hpp"

namespace clsim::mocks {

namespace {

Reply nogroup(const std::string& key, const std::string& group, const char* suffix = "") {
  return Reply::error("NOGROUP No such key '" + key + "' or consumer group '" + group + "'" + suffix);
}

}  // namespace

Reply RedisMock::entry_reply(const Stream& s, StreamId id) {
  auto it = s.entries.find(id);
  if (it == s.entries.end()) return Reply::array({Reply::bulk(id.str()), Reply::nil_array()});
  std::vector<Reply> fv;
  for (const auto& [f, v] : it->second) {
    fv.push_back(Reply::bulk(f));
    fv.push_back(Reply::bulk(v));
  }
  return Reply::array({Reply::bulk(id.str()), Reply::array(std::move(fv))});
}

std::vector<StreamId> RedisMock::read_new(Stream& s, Group& g, const std::string& consumer, std::size_t count,
                                          std::int64_t now_ms, bool noack) {
  std::vector<StreamId> out;
  auto& mine = g.consumers[consumer];
  for (auto it = s.entries.upper_bound(g.last_delivered); it != s.entries.end(); ++it) {
    if (count && out.size() >= count) break;
    const StreamId id = it->first;
    g.last_delivered = id;
    out.push_back(id);
    if (noack) continue;
    // Already pending (the group's id was moved back): it changes hands, count 1.
    drop_nack(g, id);
    g.pel[id] = Nack{consumer, now_ms, 1};
    mine.insert(id);
  }
  return out;
}

// XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id...
// BLOCK never waits here (no connection to park): it answers as a timed-out block.
Reply RedisMock::cmd_xreadgroup(const Ctx& c) {
  const auto& a = c.argv;
  std::int64_t count = 0;
  bool noack = false;
  const std::string* group = nullptr;
  const std::string* consumer = nullptr;
  std::size_t streams_arg = 0;
  for (std::size_t i = 1; i < a.size(); ++i) {
    const std::size_t more = a.size() - i - 1;
    if (keyword(a[i], "BLOCK") && more) {
      auto t = parse_i64(a[++i]);
      if (!t) return Reply::error("ERR timeout is not an integer or out of range");
      if (*t < 0) return Reply::error("ERR timeout is negative");
    } else if (keyword(a[i], "COUNT") && more) {
      auto n = parse_i64(a[++i]);
      if (!n) return Reply::error(kNotInteger);
      count = *n < 0 ? 0 : *n;
    } else if (keyword(a[i], "STREAMS") && more) {
      streams_arg = i + 1;
      break;
    } else if (keyword(a[i], "GROUP") && more >= 2) {
      group = &a[i + 1];
      consumer = &a[i + 2];
      i += 2;
    } else if (keyword(a[i], "NOACK")) {
      noack = true;
    } else {
      return Reply::error(kSyntaxError);
    }
  }
  if (!streams_arg) return Reply::error(kSyntaxError);
  if ((a.size() - streams_arg) % 2)
    return Reply::error(
        "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.");
  if (!group) return Reply::error("ERR Missing GROUP option for XREADGROUP");
  const std::size_t n = (a.size() - streams_arg) / 2;

  std::vector<StreamId> ids(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& key = a[streams_arg + i];
    const std::string& arg = a[streams_arg + n + i];
    bool wrong_type = false;
    Stream* s = lookup_stream(key, c.now_ms, wrong_type);
    if (wrong_type) return Reply::error(kWrongType);
    if (!s || !s->groups.count(*group)) return nogroup(key, *group, " in XREADGROUP with GROUP option");
    if (arg == "$")
      return Reply::error(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
          "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return "
          "an empty result set.");
    if (arg == ">") {
      ids[i] = kStreamIdMax;
      continue;
    }
    auto id = parse_strict_id(arg);
    if (!id) return Reply::error(kInvalidStreamId);
    ids[i] = *id;
  }

  std::vector<Reply> served;
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& key = a[streams_arg + i];
    bool wrong_type = false;
    Stream& s = *lookup_stream(key, c.now_ms, wrong_type);
    Group& g = s.groups.at(*group);
    auto& mine = g.consumers[*consumer];  // created on first use
    std::vector<Reply> entries;
    if (!ids[i].is_max()) {
      // This consumer's own pending entries after the id; a re-read counts as a delivery.
      StreamId start = ids[i];
      start.increment();
      for (auto it = mine.lower_bound(start); it != mine.end(); ++it) {
        if (count && std::int64_t(entries.size()) >= count) break;
        entries.push_back(entry_reply(s, *it));
        if (!s.entries.count(*it)) continue;
        Nack& nack = g.pel.at(*it);
        nack.delivery_ms = c.now_ms;
        ++nack.deliveries;
      }
    } else {
      if (s.entries.empty() || s.entries.rbegin()->first <= g.last_delivered) continue;
      for (StreamId id : read_new(s, g, *consumer, std::size_t(count), c.now_ms, noack))
        entries.push_back(entry_reply(s, id));
    }
    served.push_back(Reply::array({Reply::bulk(key), Reply::array(std::move(entries))}));
  }
  if (served.empty()) return Reply::nil_array();
  return Reply::array(std::move(served));
}

// XPENDING key group [[IDLE ms] start end count [consumer]]
Reply RedisMock::cmd_xpending(const Ctx& c) {
  const auto& a = c.argv;
  const bool summary = a.size() == 3;
  if (!summary && (a.size() < 6 || a.size() > 9)) return Reply::error(kSyntaxError);
  std::int64_t min_idle = 0, count = 0;
  StreamId start, end;
  const std::string* consumer = nullptr;
  if (!summary) {
    std::size_t at = 3;
    if (keyword(a[3], "IDLE")) {
      auto idle = parse_i64(a[4]);
      if (!idle) return Reply::error(kNotInteger);
      min_idle = *idle;
      if (a.size() < 8) return Reply::error(kSyntaxError);
      at += 2;
    }
    auto n = parse_i64(a[at + 2]);
    if (!n) return Reply::error(kNotInteger);
    count = *n < 0 ? 0 : *n;
    auto lo = parse_interval_id(a[at], 0);
    if (!lo) return Reply::error(kInvalidStreamId);
    start = lo->id;
    if (lo->exclusive && !start.increment()) return Reply::error("ERR invalid start ID for the interval");
    auto hi = parse_interval_id(a[at + 1], UINT64_MAX);
    if (!hi) return Reply::error(kInvalidStreamId);
    end = hi->id;
    if (hi->exclusive && !end.decrement()) return Reply::error("ERR invalid end ID for the interval");
    if (at + 3 < a.size()) consumer = &a[at + 3];
  }

  bool wrong_type = false;
  Stream* s = lookup_stream(a[1], c.now_ms, wrong_type);
  if (wrong_type) return Reply::error(kWrongType);
  if (!s || !s->groups.count(a[2])) return nogroup(a[1], a[2]);
  const Group& g = s->groups.at(a[2]);

  if (summary) {
    if (g.pel.empty()) return Reply::array({Reply::integer_of(0), Reply::nil(), Reply::nil(), Reply::nil_array()});
    std::vector<Reply> owners;
    for (const auto& [name, ids] : g.consumers)
      if (!ids.empty())
        owners.push_back(Reply::array({Reply::bulk(name), Reply::bulk(std::to_string(ids.size()))}));
    return Reply::array({Reply::integer_of(std::int64_t(g.pel.size())), Reply::bulk(g.pel.begin()->first.str()),
                         Reply::bulk(g.pel.rbegin()->first.str()), Reply::array(std::move(owners))});
  }

  std::vector<StreamId> ids;
  if (consumer) {
    auto it = g.consumers.find(*consumer);
    if (it == g.consumers.end()) return Reply::array();
    ids.assign(it->second.lower_bound(start), it->second.end());
  } else {
    for (auto it = g.pel.lower_bound(start); it != g.pel.end(); ++it) ids.push_back(it->first);
  }
  std::vector<Reply> rows;
  for (StreamId id : ids) {
    if (!count || id > end) break;
    const Nack& nack = g.pel.at(id);
    const std::int64_t idle = c.now_ms - nack.delivery_ms;
    if (min_idle && idle < min_idle) continue;
    --count;
    rows.push_back(Reply::array({Reply::bulk(id.str()), Reply::bulk(nack.consumer),
                                 Reply::integer_of(idle < 0 ? 0 : idle), Reply::integer_of(nack.deliveries)}));
  }
  return Reply::array(std::move(rows));
}

}  // namespace clsim::mocks
