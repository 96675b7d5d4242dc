// Command dispatch, the keyspace, string commands, Pub/Sub and blocked readers.
// Stream commands live in stream_commands.cpp and group_commands.cpp.
#include "mocks/redis/redis_mock.hpp"

#include <cctype>

namespace clsim::mocks {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const std::map<std::string, RedisMock::Command>& RedisMock::commands() {
  static const std::map<std::string, Command> table = {
      {"set", {-3, &RedisMock::cmd_set}},
      {"get", {2, &RedisMock::cmd_get}},
      {"del", {-2, &RedisMock::cmd_del}},
      {"flushall", {-1, &RedisMock::cmd_flushall}},
      {"ping", {-1, &RedisMock::cmd_ping}},
      {"publish", {3, &RedisMock::cmd_publish}},
      {"subscribe", {-2, &RedisMock::cmd_subscribe}},
      {"unsubscribe", {-1, &RedisMock::cmd_unsubscribe}},
      {"xadd", {-5, &RedisMock::cmd_xadd}},
      {"xgroup", {-2, &RedisMock::cmd_xgroup}},
      {"xack", {-4, &RedisMock::cmd_xack}},
      {"xdel", {-3, &RedisMock::cmd_xdel}},
      {"xlen", {2, &RedisMock::cmd_xlen}},
      {"xreadgroup", {-7, &RedisMock::cmd_xreadgroup}},
      {"xpending", {-3, &RedisMock::cmd_xpending}},
      {"xclaim", {-6, &RedisMock::cmd_xclaim}},
      {"xautoclaim", {-6, &RedisMock::cmd_xautoclaim}},
  };
  return table;
}

bool RedisMock::keyword(const std::string& arg, const char* upper) {
  if (arg.size() != std::char_traits<char>::length(upper)) return false;
  for (std::size_t i = 0; i < arg.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(arg[i])) != upper[i]) return false;
  return true;
}

Reply RedisMock::execute(const std::vector<std::string>& argv, engine::TimePoint now, ClientId client) {
  if (argv.empty()) return Reply::error("ERR empty command");
  const std::string name = lower(argv[0]);
  const auto& table = commands();
  auto it = table.find(name);
  if (it == table.end()) {
    std::string args;
    for (std::size_t i = 1; i < argv.size() && args.size() < 128; ++i) args += "'" + argv[i] + "' ";
    return Reply::error("ERR unknown command '" + argv[0] + "', with args beginning with: " + args);
  }
  const int arity = it->second.arity;
  const int argc = int(argv.size());
  if ((arity > 0 && argc != arity) || (arity < 0 && argc < -arity))
    return Reply::error("ERR wrong number of arguments for '" + name + "' command");
  // Redis has millisecond command time; virtual time below a millisecond is dropped.
  const Ctx ctx{argv, engine::to_us(now) / 1000, client};
  Reply reply = (this->*(it->second.handler))(ctx);
  flush_pushes();
  return reply;
}

RedisMock::Value* RedisMock::lookup(const std::string& key, std::int64_t now_ms) {
  auto it = keys_.find(key);
  if (it == keys_.end()) return nullptr;
  if (it->second.expire_at_ms && now_ms > *it->second.expire_at_ms) {
    keys_.erase(it);
    return nullptr;
  }
  return &it->second;
}

RedisMock::Stream* RedisMock::lookup_stream(const std::string& key, std::int64_t now_ms, bool& wrong_type) {
  wrong_type = false;
  Value* v = lookup(key, now_ms);
  if (!v) return nullptr;
  if (auto* s = std::get_if<Stream>(&v->data)) return s;
  wrong_type = true;
  return nullptr;
}

// SET key value [NX|XX] [GET] [EX s|PX ms|KEEPTTL]
Reply RedisMock::cmd_set(const Ctx& c) {
  bool nx = false, xx = false, get = false, keepttl = false;
  std::optional<std::int64_t> ttl_ms;
  bool seconds = false;
  for (std::size_t i = 3; i < c.argv.size(); ++i) {
    const std::string& opt = c.argv[i];
    const bool more = i + 1 < c.argv.size();
    if (keyword(opt, "NX") && !xx) {
      nx = true;
    } else if (keyword(opt, "XX") && !nx) {
      xx = true;
    } else if (keyword(opt, "GET")) {
      get = true;
    } else if (keyword(opt, "KEEPTTL") && !ttl_ms) {
      keepttl = true;
    } else if ((keyword(opt, "EX") || keyword(opt, "PX")) && !ttl_ms && !keepttl && more) {
      seconds = keyword(opt, "EX");
      auto v = parse_i64(c.argv[++i]);
      if (!v) return Reply::error(kNotInteger);
      ttl_ms = *v;
    } else {
      return Reply::error(kSyntaxError);
    }
  }
  if (ttl_ms) {
    if (*ttl_ms <= 0 || (seconds && *ttl_ms > INT64_MAX / 1000))
      return Reply::error("ERR invalid expire time in 'set' command");
    if (seconds) *ttl_ms *= 1000;
  }
  Value* existing = lookup(c.argv[1], c.now_ms);
  Reply old = Reply::nil();
  if (get && existing) {
    auto* s = std::get_if<std::string>(&existing->data);
    if (!s) return Reply::error(kWrongType);
    old = Reply::bulk(*s);
  }
  if ((nx && existing) || (xx && !existing)) return Reply::nil();
  std::optional<std::int64_t> expire_at;
  if (ttl_ms) expire_at = c.now_ms + *ttl_ms;
  else if (keepttl && existing) expire_at = existing->expire_at_ms;
  keys_[c.argv[1]] = Value{c.argv[2], expire_at};
  return get ? old : Reply::ok();
}

Reply RedisMock::cmd_get(const Ctx& c) {
  Value* v = lookup(c.argv[1], c.now_ms);
  if (!v) return Reply::nil();
  auto* s = std::get_if<std::string>(&v->data);
  if (!s) return Reply::error(kWrongType);
  return Reply::bulk(*s);
}

Reply RedisMock::cmd_del(const Ctx& c) {
  std::int64_t removed = 0;
  for (std::size_t i = 1; i < c.argv.size(); ++i)
    if (lookup(c.argv[i], c.now_ms)) removed += std::int64_t(keys_.erase(c.argv[i]));
  return Reply::integer_of(removed);
}

Reply RedisMock::cmd_flushall(const Ctx& c) {
  if (c.argv.size() > 2 || (c.argv.size() == 2 && !keyword(c.argv[1], "SYNC") && !keyword(c.argv[1], "ASYNC")))
    return Reply::error(kSyntaxError);
  keys_.clear();
  return Reply::ok();
}

Reply RedisMock::cmd_ping(const Ctx& c) {
  if (c.argv.size() > 2) return Reply::error("ERR wrong number of arguments for 'ping' command");
  return c.argv.size() == 2 ? Reply::bulk(c.argv[1]) : Reply::simple("PONG");
}

// At most once: only the connections subscribed right now get it; nobody keeps it.
Reply RedisMock::cmd_publish(const Ctx& c) {
  auto it = channels_.find(c.argv[1]);
  if (it == channels_.end()) return Reply::integer_of(0);
  const std::set<ClientId> receivers = it->second;  // a handler may unsubscribe
  const Reply msg = Reply::array({Reply::bulk("message"), Reply::bulk(c.argv[1]), Reply::bulk(c.argv[2])});
  for (ClientId id : receivers) {
    auto cl = clients_.find(id);
    if (cl != clients_.end() && cl->second.on_push) cl->second.on_push(msg);
  }
  return Reply::integer_of(std::int64_t(receivers.size()));
}

// Returns the confirmation ["subscribe", channel, count]; for several channels an
// array of them (RESP2 sends them as consecutive replies).
Reply RedisMock::cmd_subscribe(const Ctx& c) {
  auto cl = clients_.find(c.client);
  if (cl == clients_.end()) return Reply::error("ERR SUBSCRIBE needs a connected client (RedisMock::connect)");
  std::vector<Reply> confirmations;
  for (std::size_t i = 1; i < c.argv.size(); ++i) {
    cl->second.channels.insert(c.argv[i]);
    channels_[c.argv[i]].insert(c.client);
    confirmations.push_back(Reply::array({Reply::bulk("subscribe"), Reply::bulk(c.argv[i]),
                                          Reply::integer_of(std::int64_t(cl->second.channels.size()))}));
  }
  return confirmations.size() == 1 ? confirmations[0] : Reply::array(std::move(confirmations));
}

Reply RedisMock::cmd_unsubscribe(const Ctx& c) {
  auto cl = clients_.find(c.client);
  if (cl == clients_.end()) return Reply::error("ERR UNSUBSCRIBE needs a connected client (RedisMock::connect)");
  std::vector<std::string> names(c.argv.begin() + 1, c.argv.end());
  if (names.empty()) names.assign(cl->second.channels.begin(), cl->second.channels.end());
  std::vector<Reply> confirmations;
  for (const auto& ch : names) {
    cl->second.channels.erase(ch);
    auto it = channels_.find(ch);
    if (it != channels_.end()) {
      it->second.erase(c.client);
      if (it->second.empty()) channels_.erase(it);
    }
    confirmations.push_back(Reply::array({Reply::bulk("unsubscribe"), Reply::bulk(ch),
                                          Reply::integer_of(std::int64_t(cl->second.channels.size()))}));
  }
  if (confirmations.size() == 1) return confirmations[0];
  return Reply::array(std::move(confirmations));
}

RedisMock::ClientId RedisMock::connect(PushHandler on_push) {
  const ClientId id = next_client_++;
  clients_[id] = Client{std::move(on_push), {}};
  return id;
}

void RedisMock::disconnect(ClientId client) {
  auto cl = clients_.find(client);
  if (cl == clients_.end()) return;
  for (const auto& ch : cl->second.channels) {
    auto it = channels_.find(ch);
    if (it == channels_.end()) continue;
    it->second.erase(client);
    if (it->second.empty()) channels_.erase(it);
  }
  clients_.erase(cl);
}

RedisMock::ReaderId RedisMock::add_group_reader(std::string key, std::string group, std::string consumer,
                                                ReaderHandler on_entry, engine::TimePoint now) {
  const ReaderId id = next_reader_++;
  reader_queues_[{key, group}].push_back(id);
  readers_[id] = Reader{key, std::move(group), std::move(consumer), std::move(on_entry)};
  serve_readers(key, engine::to_us(now) / 1000);
  flush_pushes();
  return id;
}

void RedisMock::remove_group_reader(ReaderId id) {
  auto it = readers_.find(id);
  if (it == readers_.end()) return;
  auto q = reader_queues_.find({it->second.key, it->second.group});
  if (q != reader_queues_.end()) {
    std::erase(q->second, id);
    if (q->second.empty()) reader_queues_.erase(q);
  }
  readers_.erase(it);
}

void RedisMock::serve_readers(const std::string& key, std::int64_t now_ms) {
  bool wrong_type = false;
  Stream* s = lookup_stream(key, now_ms, wrong_type);
  if (!s) return;
  for (auto& [name, g] : s->groups) {
    auto q = reader_queues_.find({key, name});
    if (q == reader_queues_.end()) continue;
    // Each pass hands out one entry, so the loop ends with the new entries.
    while (!q->second.empty() && !s->entries.empty() && s->entries.rbegin()->first > g.last_delivered) {
      const ReaderId rid = q->second.front();
      q->second.pop_front();
      q->second.push_back(rid);  // served clients re-block at the back of the queue
      const Reader& r = readers_.at(rid);
      auto ids = read_new(*s, g, r.consumer, 1, now_ms, false);
      if (ids.empty()) break;
      pending_pushes_.push_back(
          {rid, GroupPush{key, name, r.consumer, ids[0], s->entries.at(ids[0]), g.pel.at(ids[0]).deliveries}});
    }
  }
}

void RedisMock::flush_pushes() {
  std::vector<std::pair<ReaderId, GroupPush>> batch;
  batch.swap(pending_pushes_);
  for (auto& [rid, push] : batch) {
    auto it = readers_.find(rid);
    if (it != readers_.end() && it->second.on_entry) it->second.on_entry(push);
  }
}

}  // namespace clsim::mocks
