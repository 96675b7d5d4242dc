// An in-memory Redis for the subset the engine uses, driven like the real one:
// an argument vector in, a RESP-shaped reply out, so a differential test can hold
// it against redis-server. Streams with consumer groups, SET/GET/DEL with expiry,
// Pub/Sub. Time is whatever virtual `now` the caller passes (idle times, XADD *,
// PX expiry); nothing here reads a clock. One instance is one world's server.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/core/time.hpp"
#include "mocks/redis/reply.hpp"
#include "mocks/redis/stream_id.hpp"

namespace clsim::mocks {

using Fields = std::vector<std::pair<std::string, std::string>>;

class RedisMock {
 public:
  using ClientId = std::uint64_t;  // 0: a plain connection that cannot subscribe
  using PushHandler = std::function<void(const Reply&)>;
  using ReaderId = std::uint64_t;

  // One entry handed to a blocked XREADGROUP reader (already in the PEL).
  struct GroupPush {
    std::string key, group, consumer;
    StreamId id;
    Fields fields;
    std::int64_t deliveries = 1;
  };
  using ReaderHandler = std::function<void(const GroupPush&)>;

  RedisMock() = default;
  RedisMock(const RedisMock&) = delete;
  RedisMock& operator=(const RedisMock&) = delete;

  Reply execute(const std::vector<std::string>& argv, engine::TimePoint now, ClientId client = 0);

  // A connection that can receive Pub/Sub pushes (["message", channel, payload]).
  ClientId connect(PushHandler on_push);
  // Drops the connection's subscriptions: later messages to it are lost.
  void disconnect(ClientId client);

  // A standing `XREADGROUP GROUP g c COUNT 1 BLOCK 0 STREAMS key >` loop: each
  // new entry of the group goes to one blocked reader, round-robin in blocking
  // order, as Redis serves blocked clients. The handler runs synchronously
  // inside whatever command made the entry available and must not call back in.
  ReaderId add_group_reader(std::string key, std::string group, std::string consumer, ReaderHandler on_entry,
                            engine::TimePoint now);
  void remove_group_reader(ReaderId id);
  std::size_t group_reader_count() const { return readers_.size(); }

 private:
  struct Nack {
    std::string consumer;
    std::int64_t delivery_ms = 0;
    std::int64_t deliveries = 1;
  };
  struct Group {
    StreamId last_delivered;
    std::map<StreamId, Nack> pel;
    std::map<std::string, std::set<StreamId>> consumers;  // name -> its PEL ids
  };
  struct Stream {
    std::map<StreamId, Fields> entries;
    StreamId last_id;  // top id ever added; XDEL does not lower it
    std::map<std::string, Group> groups;
  };
  struct Value {
    std::variant<std::string, Stream> data;
    std::optional<std::int64_t> expire_at_ms;  // gone once now_ms > expire_at_ms
  };
  struct Reader {
    std::string key, group, consumer;
    ReaderHandler on_entry;
  };
  struct Client {
    PushHandler on_push;
    std::set<std::string> channels;
  };
  struct Ctx {
    const std::vector<std::string>& argv;
    std::int64_t now_ms;
    ClientId client;
  };
  using Handler = Reply (RedisMock::*)(const Ctx&);
  struct Command {
    int arity;  // as in Redis: > 0 exact, < 0 at least -arity
    Handler handler;
  };
  static const std::map<std::string, Command>& commands();

  // Keyspace (redis_mock.cpp).
  Value* lookup(const std::string& key, std::int64_t now_ms);
  Stream* lookup_stream(const std::string& key, std::int64_t now_ms, bool& wrong_type);

  // Strings, keys, Pub/Sub (redis_mock.cpp).
  Reply cmd_set(const Ctx&);
  Reply cmd_get(const Ctx&);
  Reply cmd_del(const Ctx&);
  Reply cmd_flushall(const Ctx&);
  Reply cmd_ping(const Ctx&);
  Reply cmd_publish(const Ctx&);
  Reply cmd_subscribe(const Ctx&);
  Reply cmd_unsubscribe(const Ctx&);

  // Stream writes (stream_commands.cpp).
  Reply cmd_xadd(const Ctx&);
  Reply cmd_xgroup(const Ctx&);
  Reply cmd_xack(const Ctx&);
  Reply cmd_xdel(const Ctx&);
  Reply cmd_xlen(const Ctx&);
  // Consumer-group reads (group_commands.cpp).
  Reply cmd_xreadgroup(const Ctx&);
  Reply cmd_xpending(const Ctx&);
  Reply cmd_xclaim(const Ctx&);
  Reply cmd_xautoclaim(const Ctx&);

  // The parts of the longer stream commands. A parse or check gives the error
  // reply the real server would give, or nullopt with its output filled.
  struct ReadGroupArgs;  // group_commands.cpp
  struct PendingArgs;    // group_commands.cpp
  struct ClaimArgs;      // claim_commands.cpp
  static std::optional<Reply> check_xgroup_args(const std::vector<std::string>& argv, const std::string& sub,
                                                bool& mkstream);
  // XGROUP CREATE's or SETID's id ("$": the stream's top id).
  static std::optional<Reply> xgroup_id(const std::string& arg, const std::string& sub, const Stream* s,
                                        StreamId& id);
  static std::optional<Reply> parse_read_group(const std::vector<std::string>& argv, ReadGroupArgs& out);
  // The id each stream is read after (">": kStreamIdMax), checked stream by stream.
  std::optional<Reply> read_group_ids(const Ctx& c, const ReadGroupArgs& r, std::vector<StreamId>& ids);
  // XREADGROUP with an id: the consumer's own pending entries after it, each
  // re-read counted as a delivery.
  static std::vector<Reply> reread_pending(const Stream& s, Group& g, const std::set<StreamId>& mine,
                                           StreamId after, std::int64_t count, std::int64_t now_ms);
  static std::optional<Reply> parse_pending(const std::vector<std::string>& argv, PendingArgs& out);
  static Reply pending_summary(const Group& g);
  static Reply pending_rows(const Group& g, const PendingArgs& p, std::int64_t now_ms);
  static std::optional<Reply> parse_claim(const std::vector<std::string>& argv, std::int64_t now_ms, ClaimArgs& out);
  static Reply claim(const Stream& s, Group& g, const std::string& consumer, const ClaimArgs& o,
                     std::int64_t now_ms);
  static Reply no_such_group(const std::string& key, const std::string& group, const char* suffix = "");

  // XREADGROUP ">": up to `count` (0 = all) never-delivered entries, into the PEL.
  std::vector<StreamId> read_new(Stream& s, Group& g, const std::string& consumer, std::size_t count,
                                 std::int64_t now_ms, bool noack);
  // Feeds blocked readers of `key` while they have entries to take.
  void serve_readers(const std::string& key, std::int64_t now_ms);
  void flush_pushes();
  static Reply entry_reply(const Stream& s, StreamId id);
  // Case-insensitive match of an argument against an upper-case option name.
  static bool keyword(const std::string& arg, const char* upper);
  static void drop_nack(Group& g, StreamId id);

  std::map<std::string, Value> keys_;
  std::map<ReaderId, Reader> readers_;
  std::map<std::pair<std::string, std::string>, std::deque<ReaderId>> reader_queues_;
  std::vector<std::pair<ReaderId, GroupPush>> pending_pushes_;
  std::map<ClientId, Client> clients_;
  std::map<std::string, std::set<ClientId>> channels_;
  ReaderId next_reader_ = 1;
  ClientId next_client_ = 1;
};

// Error texts shared with the real server (docs/FIDELITY.md section 3).
inline constexpr const char* kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr const char* kSyntaxError = "ERR syntax error";
inline constexpr const char* kNotInteger = "ERR value is not an integer or out of range";

}  // namespace clsim::mocks
