// Stream writes: XADD, XGROUP, XACK, XDEL, XLEN, following Redis 7.0's
// t_stream.c in the order checks happen, so errors match the real server's.
#include "mocks/redis/redis_mock.hpp"

namespace clsim::mocks {

// XADD key [NOMKSTREAM] <* | id> field value [field value ...]
Reply RedisMock::cmd_xadd(const Ctx& c) {
  const auto& a = c.argv;
  bool no_mkstream = false;
  std::optional<XaddIdArg> given;
  std::size_t idpos = 2;
  for (; idpos < a.size(); ++idpos) {
    if (a[idpos] == "*") break;
    if (keyword(a[idpos], "NOMKSTREAM")) {
      no_mkstream = true;
    } else if (keyword(a[idpos], "MAXLEN") || keyword(a[idpos], "MINID")) {
      return Reply::error("ERR XADD trimming (MAXLEN/MINID) is not modelled by the mock");
    } else {
      given = parse_xadd_id(a[idpos]);
      if (!given) return Reply::error(kInvalidStreamId);
      break;
    }
  }
  const std::size_t field_pos = idpos + 1;
  if (field_pos > a.size() || a.size() - field_pos < 2 || (a.size() - field_pos) % 2 == 1)
    return Reply::error("ERR wrong number of arguments for 'xadd' command");
  if (given && given->seq_given && given->id == StreamId{0, 0})
    return Reply::error("ERR The ID specified in XADD must be greater than 0-0");

  bool wrong_type = false;
  Stream* s = lookup_stream(a[1], c.now_ms, wrong_type);
  if (wrong_type) return Reply::error(kWrongType);
  if (!s && no_mkstream) return Reply::nil();
  Stream fresh;
  Stream& st = s ? *s : fresh;
  if (st.last_id.is_max())
    return Reply::error("ERR The stream has exhausted the last possible ID, unable to add more items");

  StreamId id;
  if (!given) {
    // "*": the command time in ms, or the next sequence within the top's ms.
    const std::uint64_t now_ms = std::uint64_t(c.now_ms < 0 ? 0 : c.now_ms);
    if (now_ms > st.last_id.ms) id = StreamId{now_ms, 0};
    else (id = st.last_id).increment();
  } else if (given->seq_given) {
    id = given->id;
  } else if (st.last_id.ms == given->id.ms) {
    if (st.last_id.seq == UINT64_MAX)
      return Reply::error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    id = StreamId{st.last_id.ms, st.last_id.seq + 1};
  } else {
    id = given->id;
  }
  if (id <= st.last_id)
    return Reply::error("ERR The ID specified in XADD is equal or smaller than the target stream top item");

  Fields fields;
  for (std::size_t i = field_pos; i + 1 < a.size(); i += 2) fields.emplace_back(a[i], a[i + 1]);
  st.entries.emplace(id, std::move(fields));
  st.last_id = id;
  if (!s) keys_[a[1]] = Value{std::move(fresh), std::nullopt};
  serve_readers(a[1], c.now_ms);
  return Reply::bulk(id.str());
}

std::optional<Reply> RedisMock::check_xgroup_args(const std::vector<std::string>& a, const std::string& sub,
                                                  bool& mkstream) {
  const std::size_t min_args = sub == "destroy" ? 4 : 5;
  if (a.size() < min_args || (sub == "destroy" && a.size() != 4))
    return Reply::error("ERR wrong number of arguments for 'xgroup|" + sub + "' command");
  if (sub == "create") {
    for (std::size_t i = 5; i < a.size(); ++i) {
      if (keyword(a[i], "MKSTREAM")) {
        mkstream = true;
      } else if (keyword(a[i], "ENTRIESREAD") && i + 1 < a.size()) {
        ++i;  // lag bookkeeping only; nothing here reads it
      } else {
        return Reply::error("ERR unknown subcommand or wrong number of arguments for '" + a[1] +
                            "'. Try XGROUP HELP.");
      }
    }
  } else if (sub == "setid" && a.size() != 5) {
    return Reply::error(kSyntaxError);
  }
  return std::nullopt;
}

std::optional<Reply> RedisMock::xgroup_id(const std::string& arg, const std::string& sub, const Stream* s,
                                          StreamId& id) {
  if (arg == "$") {
    id = s ? s->last_id : StreamId{};
  } else if (sub == "create") {
    auto parsed = parse_strict_id(arg);
    if (!parsed) return Reply::error(kInvalidStreamId);
    id = *parsed;
  } else {
    auto parsed = parse_interval_id(arg, 0);
    if (!parsed || parsed->exclusive) return Reply::error(kInvalidStreamId);
    id = parsed->id;
  }
  return std::nullopt;
}

// XGROUP CREATE key group <id|$> [MKSTREAM] [ENTRIESREAD n] | DESTROY key group | SETID key group <id|$>
Reply RedisMock::cmd_xgroup(const Ctx& c) {
  const auto& a = c.argv;
  const std::string& opt = a[1];
  const std::string sub = keyword(opt, "CREATE") ? "create" : keyword(opt, "DESTROY") ? "destroy" : keyword(opt, "SETID") ? "setid" : "";
  if (sub.empty()) return Reply::error("ERR unknown subcommand '" + opt + "'. Try XGROUP HELP.");
  bool mkstream = false;
  if (auto error = check_xgroup_args(a, sub, mkstream)) return *error;

  bool wrong_type = false;
  Stream* s = lookup_stream(a[2], c.now_ms, wrong_type);
  if (wrong_type) return Reply::error(kWrongType);
  const std::string& group = a[3];
  if (!s && !mkstream)
    return Reply::error(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the "
        "MKSTREAM option to create an empty stream automatically.");
  if (s && sub == "setid" && !s->groups.count(group))
    return Reply::error("NOGROUP No such consumer group '" + group + "' for key name '" + a[2] + "'");

  if (sub == "destroy") {
    const bool erased = s->groups.erase(group) > 0;
    return Reply::integer_of(erased ? 1 : 0);
  }
  StreamId id;
  if (auto error = xgroup_id(a[4], sub, s, id)) return *error;
  if (sub == "setid") {
    s->groups[group].last_delivered = id;
  } else {
    if (!s) {
      keys_[a[2]] = Value{Stream{}, std::nullopt};
      s = &std::get<Stream>(keys_[a[2]].data);
    }
    if (s->groups.count(group)) return Reply::error("BUSYGROUP Consumer Group name already exists");
    s->groups[group].last_delivered = id;
  }
  serve_readers(a[2], c.now_ms);
  return Reply::ok();
}

// XACK key group id [id ...]: how many left the PEL; a missing key or group is 0.
Reply RedisMock::cmd_xack(const Ctx& c) {
  bool wrong_type = false;
  Stream* s = lookup_stream(c.argv[1], c.now_ms, wrong_type);
  if (wrong_type) return Reply::error(kWrongType);
  if (!s) return Reply::integer_of(0);
  auto g = s->groups.find(c.argv[2]);
  if (g == s->groups.end()) return Reply::integer_of(0);
  std::vector<StreamId> ids;
  for (std::size_t i = 3; i < c.argv.size(); ++i) {
    auto id = parse_strict_id(c.argv[i]);
    if (!id) return Reply::error(kInvalidStreamId);  // all or nothing
    ids.push_back(*id);
  }
  std::int64_t acked = 0;
  for (StreamId id : ids) {
    if (!g->second.pel.count(id)) continue;
    drop_nack(g->second, id);
    ++acked;
  }
  return Reply::integer_of(acked);
}

// XDEL key id [id ...]: entries leave the stream, not the PEL.
Reply RedisMock::cmd_xdel(const Ctx& c) {
  bool wrong_type = false;
  Stream* s = lookup_stream(c.argv[1], c.now_ms, wrong_type);
  if (wrong_type) return Reply::error(kWrongType);
  if (!s) return Reply::integer_of(0);
  std::vector<StreamId> ids;
  for (std::size_t i = 2; i < c.argv.size(); ++i) {
    auto id = parse_strict_id(c.argv[i]);
    if (!id) return Reply::error(kInvalidStreamId);
    ids.push_back(*id);
  }
  std::int64_t deleted = 0;
  for (StreamId id : ids) deleted += std::int64_t(s->entries.erase(id));
  return Reply::integer_of(deleted);
}

Reply RedisMock::cmd_xlen(const Ctx& c) {
  bool wrong_type = false;
  Stream* s = lookup_stream(c.argv[1], c.now_ms, wrong_type);
  if (wrong_type) return Reply::error(kWrongType);
  return Reply::integer_of(s ? std::int64_t(s->entries.size()) : 0);
}

void RedisMock::drop_nack(Group& g, StreamId id) {
  auto it = g.pel.find(id);
  if (it == g.pel.end()) return;
  auto owner = g.consumers.find(it->second.consumer);
  if (owner != g.consumers.end()) owner->second.erase(id);
  g.pel.erase(it);
}

}  // namespace clsim::mocks
