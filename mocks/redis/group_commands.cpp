// Consumer-group reads: XREADGROUP and XPENDING, with Redis 7.0's checks in the
// real server's order (XCLAIM and XAUTOCLAIM are in claim_commands.cpp).
#include "mocks/redis/redis_mock.hpp"

namespace clsim::mocks {

Reply RedisMock::no_such_group(const std::string& key, const std::string& group, const char* suffix) {
  return Reply::error("NOGROUP No such key '" + key + "' or consumer group '" + group + "'" + suffix);
}

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

// XREADGROUP's options up to STREAMS, checked before any key is looked at.
struct RedisMock::ReadGroupArgs {
  std::int64_t count = 0;  // 0: no limit
  bool noack = false;
  const std::string* group = nullptr;
  const std::string* consumer = nullptr;
  std::size_t streams_arg = 0;  // the first key; the ids follow the keys
  std::size_t streams = 0;
};

std::optional<Reply> RedisMock::parse_read_group(const std::vector<std::string>& a, ReadGroupArgs& r) {
  for (std::size_t i = 1; i < a.size(); ++i) {
    const std::size_t more = a.size() - i - 1;
    if (keyword(a[i], "BLOCK") && more) {
      auto t = parse_i64(a[++i]);
      if (!t) return Reply::error("ERR timeout is not an integer or out of range");
      if (*t < 0) return Reply::error("ERR timeout is negative");
    } else if (keyword(a[i], "COUNT") && more) {
      auto n = parse_i64(a[++i]);
      if (!n) return Reply::error(kNotInteger);
      r.count = *n < 0 ? 0 : *n;
    } else if (keyword(a[i], "STREAMS") && more) {
      r.streams_arg = i + 1;
      break;
    } else if (keyword(a[i], "GROUP") && more >= 2) {
      r.group = &a[i + 1];
      r.consumer = &a[i + 2];
      i += 2;
    } else if (keyword(a[i], "NOACK")) {
      r.noack = true;
    } else {
      return Reply::error(kSyntaxError);
    }
  }
  if (!r.streams_arg) return Reply::error(kSyntaxError);
  if ((a.size() - r.streams_arg) % 2)
    return Reply::error(
        "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.");
  if (!r.group) return Reply::error("ERR Missing GROUP option for XREADGROUP");
  r.streams = (a.size() - r.streams_arg) / 2;
  return std::nullopt;
}

std::optional<Reply> RedisMock::read_group_ids(const Ctx& c, const ReadGroupArgs& r, std::vector<StreamId>& ids) {
  const auto& a = c.argv;
  ids.assign(r.streams, StreamId{});
  for (std::size_t i = 0; i < r.streams; ++i) {
    const std::string& key = a[r.streams_arg + i];
    const std::string& arg = a[r.streams_arg + r.streams + i];
    bool wrong_type = false;
    Stream* s = lookup_stream(key, c.now_ms, wrong_type);
    if (wrong_type) return Reply::error(kWrongType);
    if (!s || !s->groups.count(*r.group)) return no_such_group(key, *r.group, " in XREADGROUP with GROUP option");
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
  return std::nullopt;
}

std::vector<Reply> RedisMock::reread_pending(const Stream& s, Group& g, const std::set<StreamId>& mine,
                                             StreamId after, std::int64_t count, std::int64_t now_ms) {
  std::vector<Reply> entries;
  StreamId start = after;
  start.increment();
  for (auto it = mine.lower_bound(start); it != mine.end(); ++it) {
    if (count && std::int64_t(entries.size()) >= count) break;
    entries.push_back(entry_reply(s, *it));
    if (!s.entries.count(*it)) continue;
    Nack& nack = g.pel.at(*it);
    nack.delivery_ms = now_ms;
    ++nack.deliveries;
  }
  return entries;
}

// XREADGROUP GROUP g c [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id...
// BLOCK never waits here (no connection to park): it answers as a timed-out block.
Reply RedisMock::cmd_xreadgroup(const Ctx& c) {
  ReadGroupArgs r;
  if (auto error = parse_read_group(c.argv, r)) return *error;
  std::vector<StreamId> ids;
  if (auto error = read_group_ids(c, r, ids)) return *error;
  std::vector<Reply> served;
  for (std::size_t i = 0; i < r.streams; ++i) {
    const std::string& key = c.argv[r.streams_arg + i];
    bool wrong_type = false;
    Stream& s = *lookup_stream(key, c.now_ms, wrong_type);
    Group& g = s.groups.at(*r.group);
    auto& mine = g.consumers[*r.consumer];  // created on first use
    std::vector<Reply> entries;
    if (!ids[i].is_max()) {
      // This consumer's own pending entries after the id; a re-read counts as a delivery.
      entries = reread_pending(s, g, mine, ids[i], r.count, c.now_ms);
    } else {
      if (s.entries.empty() || s.entries.rbegin()->first <= g.last_delivered) continue;
      for (StreamId id : read_new(s, g, *r.consumer, std::size_t(r.count), c.now_ms, r.noack))
        entries.push_back(entry_reply(s, id));
    }
    served.push_back(Reply::array({Reply::bulk(key), Reply::array(std::move(entries))}));
  }
  if (served.empty()) return Reply::nil_array();
  return Reply::array(std::move(served));
}

// XPENDING's extended form: [IDLE ms] start end count [consumer].
struct RedisMock::PendingArgs {
  std::int64_t min_idle = 0, count = 0;
  StreamId start, end;
  const std::string* consumer = nullptr;
};

std::optional<Reply> RedisMock::parse_pending(const std::vector<std::string>& a, PendingArgs& p) {
  std::size_t at = 3;
  if (keyword(a[3], "IDLE")) {
    auto idle = parse_i64(a[4]);
    if (!idle) return Reply::error(kNotInteger);
    p.min_idle = *idle;
    if (a.size() < 8) return Reply::error(kSyntaxError);
    at += 2;
  }
  auto n = parse_i64(a[at + 2]);
  if (!n) return Reply::error(kNotInteger);
  p.count = *n < 0 ? 0 : *n;
  auto lo = parse_interval_id(a[at], 0);
  if (!lo) return Reply::error(kInvalidStreamId);
  p.start = lo->id;
  if (lo->exclusive && !p.start.increment()) return Reply::error("ERR invalid start ID for the interval");
  auto hi = parse_interval_id(a[at + 1], UINT64_MAX);
  if (!hi) return Reply::error(kInvalidStreamId);
  p.end = hi->id;
  if (hi->exclusive && !p.end.decrement()) return Reply::error("ERR invalid end ID for the interval");
  if (at + 3 < a.size()) p.consumer = &a[at + 3];
  return std::nullopt;
}

Reply RedisMock::pending_summary(const Group& g) {
  if (g.pel.empty()) return Reply::array({Reply::integer_of(0), Reply::nil(), Reply::nil(), Reply::nil_array()});
  std::vector<Reply> owners;
  for (const auto& [name, ids] : g.consumers)
    if (!ids.empty()) owners.push_back(Reply::array({Reply::bulk(name), Reply::bulk(std::to_string(ids.size()))}));
  return Reply::array({Reply::integer_of(std::int64_t(g.pel.size())), Reply::bulk(g.pel.begin()->first.str()),
                       Reply::bulk(g.pel.rbegin()->first.str()), Reply::array(std::move(owners))});
}

// Walks the PEL (or one consumer's share) from start only as far as the answer
// needs: a walk to the end of a large PEL made every one-entry XPENDING cost the
// whole list.
Reply RedisMock::pending_rows(const Group& g, const PendingArgs& p, std::int64_t now_ms) {
  std::int64_t count = p.count;
  std::vector<Reply> rows;
  // False once the answer is complete.
  auto add = [&](StreamId id) {
    if (!count || id > p.end) return false;
    const Nack& nack = g.pel.at(id);
    const std::int64_t idle = now_ms - nack.delivery_ms;
    if (p.min_idle && idle < p.min_idle) return true;
    --count;
    rows.push_back(Reply::array({Reply::bulk(id.str()), Reply::bulk(nack.consumer),
                                 Reply::integer_of(idle < 0 ? 0 : idle), Reply::integer_of(nack.deliveries)}));
    return true;
  };
  if (p.consumer) {
    auto it = g.consumers.find(*p.consumer);
    if (it == g.consumers.end()) return Reply::array();
    for (auto id = it->second.lower_bound(p.start); id != it->second.end() && add(*id); ++id) {
    }
  } else {
    for (auto it = g.pel.lower_bound(p.start); it != g.pel.end() && add(it->first); ++it) {
    }
  }
  return Reply::array(std::move(rows));
}

// XPENDING key group [[IDLE ms] start end count [consumer]]
Reply RedisMock::cmd_xpending(const Ctx& c) {
  const auto& a = c.argv;
  const bool summary = a.size() == 3;
  if (!summary && (a.size() < 6 || a.size() > 9)) return Reply::error(kSyntaxError);
  PendingArgs p;
  if (!summary)
    if (auto error = parse_pending(a, p)) return *error;
  bool wrong_type = false;
  Stream* s = lookup_stream(a[1], c.now_ms, wrong_type);
  if (wrong_type) return Reply::error(kWrongType);
  if (!s || !s->groups.count(a[2])) return no_such_group(a[1], a[2]);
  const Group& g = s->groups.at(a[2]);
  return summary ? pending_summary(g) : pending_rows(g, p, c.now_ms);
}

}  // namespace clsim::mocks
