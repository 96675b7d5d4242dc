#include "engine/adapters/live/redis/redis_connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace clsim::live {

using engine::Duration;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::string ms_text(Duration d) { return std::to_string(d.count() / 1000) + " ms"; }

RedisReply owned(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_STRING: out.type = RedisReply::Type::string; break;
    case REDIS_REPLY_STATUS: out.type = RedisReply::Type::status; break;
    case REDIS_REPLY_ERROR: out.type = RedisReply::Type::error; break;
    case REDIS_REPLY_INTEGER: out.type = RedisReply::Type::integer; break;
    case REDIS_REPLY_ARRAY: out.type = RedisReply::Type::array; break;
    default: out.type = RedisReply::Type::nil; break;
  }
  if (r.str != nullptr) out.str.assign(r.str, static_cast<std::size_t>(r.len));
  out.integer = r.integer;
  // hiredis' reader nests at most 9 levels (REDIS_READER task stack): recursion is bounded.
  for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(owned(*r.element[i]));
  return out;
}

// hiredis takes one address. Prefer IPv4: "localhost" may list ::1 first, and a
// redis told `bind 127.0.0.1` (a common setting) is not there.
std::string pick_address(const boost::asio::ip::tcp::resolver::results_type& results) {
  for (const auto& r : results)
    if (r.endpoint().address().is_v4()) return r.endpoint().address().to_string();
  return results.begin()->endpoint().address().to_string();
}

}  // namespace

// The Asio side of one hiredis context. hiredis drives the socket through the
// ev hooks (add/del read/write, cleanup); we wait for readiness on a
// stream_descriptor and call redisAsyncHandleRead/Write. hiredis owns the fd:
// cleanup releases it from Asio, and hiredis closes it. Any call into hiredis
// may free the context (EOF, an error), after which `ac` is null; wait
// handlers hold the Session, so it outlives the context and every handler.
struct RedisConnection::Session : std::enable_shared_from_this<Session> {
  Session(boost::asio::io_context& io, RedisConnection* owner_in, std::uint64_t number_in)
      : fd(io), owner(owner_in), number(number_in) {}

  boost::asio::posix::stream_descriptor fd;
  RedisConnection* owner;  // null once the owner is being destroyed
  std::uint64_t number;    // which connect of the owner this is
  redisAsyncContext* ac = nullptr;  // null once hiredis freed it
  bool want_read = false, want_write = false;   // what hiredis asked for
  bool read_armed = false, write_armed = false; // an async_wait is outstanding
  std::string drop_reason;  // set when we free the context on purpose

  struct Cookie {  // a command's privdata: hiredis calls back exactly once per command
    Session* session;
    std::uint64_t id;
  };

  std::string reason_now() const {
    if (!drop_reason.empty()) return drop_reason;
    if (ac != nullptr && ac->c.err != 0 && ac->c.errstr[0] != '\0') return ac->c.errstr;
    return "connection closed";
  }

  void arm(bool read) {
    bool& armed = read ? read_armed : write_armed;
    if (armed || ac == nullptr) return;
    armed = true;
    fd.async_wait(read ? boost::asio::posix::stream_descriptor::wait_read
                       : boost::asio::posix::stream_descriptor::wait_write,
                  [self = shared_from_this(), read](boost::system::error_code ec) { self->ready(read, ec); });
  }

  // Readiness (or an error hiredis will find when it reads): hand it to hiredis
  // if it still wants it. operation_aborted means cleanup released the fd.
  void ready(bool read, boost::system::error_code ec) {
    (read ? read_armed : write_armed) = false;
    if (ac == nullptr || ec == boost::asio::error::operation_aborted) return;
    if (!(read ? want_read : want_write)) return;
    if (read) redisAsyncHandleRead(ac);
    else redisAsyncHandleWrite(ac);
  }

  static void add_read(void* p) {
    auto* s = static_cast<Session*>(p);
    s->want_read = true;
    s->arm(true);
  }
  static void del_read(void* p) { static_cast<Session*>(p)->want_read = false; }
  static void add_write(void* p) {
    auto* s = static_cast<Session*>(p);
    s->want_write = true;
    s->arm(false);
  }
  static void del_write(void* p) { static_cast<Session*>(p)->want_write = false; }

  // hiredis is freeing the context (after running every pending callback with
  // a NULL reply); it closes the fd itself right after.
  static void cleanup(void* p) {
    auto* s = static_cast<Session*>(p);
    std::string reason = s->reason_now();
    s->want_read = s->want_write = false;
    s->fd.release();  // never close(): the fd is hiredis'
    s->ac = nullptr;
    if (s->owner != nullptr) s->owner->session_ended(s->number, std::move(reason));
  }

  static void on_connect(const redisAsyncContext* ac, int status) {
    auto* s = static_cast<Session*>(ac->data);
    // On failure hiredis frees the context right after this returns; cleanup reports it.
    if (status == REDIS_OK && s->owner != nullptr) s->owner->session_up(s->number);
  }

  static void on_reply(redisAsyncContext*, void* reply, void* privdata) {
    std::unique_ptr<Cookie> cookie(static_cast<Cookie*>(privdata));
    Session* s = cookie->session;
    if (s->owner == nullptr) return;  // the owner is being destroyed: nobody to tell
    RedisReply r = reply != nullptr ? owned(*static_cast<redisReply*>(reply)) : RedisReply::failed(s->reason_now());
    s->owner->reply_arrived(cookie->id, std::move(r));
  }
};

RedisConnection::RedisConnection(boost::asio::io_context& io, RedisEndpoint endpoint, RedisConnectionOptions options)
    : io_(io),
      endpoint_(std::move(endpoint)),
      options_(std::move(options)),
      resolver_(io),
      retry_timer_(io),
      connect_timer_(io),
      backoff_(options_.reconnect_min) {
  CLSIM_ASSERT(hooks_, options_.reconnect_min.count() > 0, "reconnect_min must be positive");
  CLSIM_ASSERT(hooks_, options_.reconnect_max >= options_.reconnect_min, "reconnect_max below reconnect_min");
  CLSIM_ASSERT(hooks_, !endpoint_.unix_path.empty() || !endpoint_.host.empty(), "endpoint has no host");
}

RedisConnection::~RedisConnection() {
  alive_.reset();
  resolver_.cancel();
  if (session_ != nullptr) {
    const auto keep = session_;
    keep->owner = nullptr;  // the NULL-reply callbacks below must not reach us
    keep->drop_reason = "closed";
    if (keep->ac != nullptr) redisAsyncFree(keep->ac);  // never called from inside hiredis
  }
  // pending_'s timers are cancelled as they go; their handlers find alive_ expired.
}

void RedisConnection::start(std::function<void()> on_up, std::function<void(const std::string&)> on_down) {
  CLSIM_ASSERT(hooks_, state_ == State::idle, "RedisConnection started twice");
  on_up_ = std::move(on_up);
  on_down_ = std::move(on_down);
  connect();
}

bool RedisConnection::connected() const {
  return state_ == State::up && session_ != nullptr && session_->ac != nullptr;
}

void RedisConnection::connect() {
  arm_connect_deadline();
  if (!endpoint_.unix_path.empty()) {
    state_ = State::connecting;
    open_session(redisAsyncConnectUnix(endpoint_.unix_path.c_str()));
    return;
  }
  state_ = State::resolving;
  std::weak_ptr<int> alive = alive_;
  resolver_.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                          [this, alive](boost::system::error_code ec,
                                        boost::asio::ip::tcp::resolver::results_type results) {
                            if (alive.expired()) return;
                            if (ec || results.empty()) {
                              lost(ec == boost::asio::error::operation_aborted ? "connect timed out (resolve)"
                                                                               : "resolve: " + ec.message());
                              return;
                            }
                            connect_resolved(pick_address(results));
                          });
}

void RedisConnection::connect_resolved(const std::string& ip) {
  state_ = State::connecting;
  open_session(redisAsyncConnect(ip.c_str(), endpoint_.port));
}

void RedisConnection::open_session(redisAsyncContext* ac) {
  if (ac == nullptr) return lost("cannot allocate a hiredis context");
  if (ac->err != 0) {
    // A unix socket fails at once (ENOENT, ECONNREFUSED); no hooks yet, so the
    // free runs no callback of ours.
    std::string why = ac->errstr;
    redisAsyncFree(ac);
    return lost(why);
  }
  auto s = std::make_shared<Session>(io_, this, ++sessions_);
  boost::system::error_code ec;
  s->fd.assign(ac->c.fd, ec);
  if (ec) {
    redisAsyncFree(ac);
    return lost("cannot watch the socket: " + ec.message());
  }
  s->ac = ac;
  session_ = s;
  ac->data = s.get();
  ac->ev.data = s.get();
  ac->ev.addRead = &Session::add_read;
  ac->ev.delRead = &Session::del_read;
  ac->ev.addWrite = &Session::add_write;
  ac->ev.delWrite = &Session::del_write;
  ac->ev.cleanup = &Session::cleanup;
  // Only after the hooks: it asks for the first write event, which is how
  // hiredis learns that a non-blocking connect finished.
  redisAsyncSetConnectCallback(ac, &Session::on_connect);
}

void RedisConnection::arm_connect_deadline() {
  connect_timer_.expires_after(options_.connect_timeout);
  std::weak_ptr<int> alive = alive_;
  connect_timer_.async_wait([this, alive](boost::system::error_code ec) {
    if (ec || alive.expired()) return;
    if (state_ == State::resolving) resolver_.cancel();
    if (state_ == State::connecting) drop("connect timed out after " + ms_text(options_.connect_timeout));
  });
}

void RedisConnection::session_up(std::uint64_t number) {
  std::weak_ptr<int> alive = alive_;
  boost::asio::post(io_, [this, alive, number] {
    if (alive.expired() || session_ == nullptr || session_->number != number || session_->ac == nullptr) return;
    connect_timer_.cancel();
    state_ = State::up;
    down_logged_ = false;
    std::fprintf(stderr, "redis: connected to %s (%s)\n", endpoint_.to_string().c_str(), options_.name.c_str());
    if (on_up_) on_up_();
  });
}

void RedisConnection::session_ended(std::uint64_t number, std::string reason) {
  std::weak_ptr<int> alive = alive_;
  boost::asio::post(io_, [this, alive, number, reason = std::move(reason)] {
    if (alive.expired() || session_ == nullptr || session_->number != number) return;
    session_.reset();
    lost(reason);
  });
}

// A connect that failed or a connection that went: wait, then connect again.
void RedisConnection::lost(const std::string& reason) {
  connect_timer_.cancel();
  const bool was_up = state_ == State::up;
  state_ = State::waiting;
  const Duration delay = backoff_;
  backoff_ = std::min(backoff_ * 2, options_.reconnect_max);
  if (was_up || !down_logged_) {
    std::fprintf(stderr, "redis: %s %s (%s), retrying in %s (%s)\n", was_up ? "connection lost to" : "cannot connect to",
                 endpoint_.to_string().c_str(), reason.c_str(), ms_text(delay).c_str(), options_.name.c_str());
    down_logged_ = true;
  }
  retry_timer_.expires_after(delay);
  std::weak_ptr<int> alive = alive_;
  retry_timer_.async_wait([this, alive](boost::system::error_code ec) {
    if (!ec && !alive.expired()) connect();
  });
  if (was_up && on_down_) on_down_(reason);
}

void RedisConnection::command(std::vector<std::string> argv, Duration timeout, ReplyHandler done) {
  CLSIM_ASSERT(hooks_, !argv.empty(), "a command needs a name");
  CLSIM_ASSERT(hooks_, timeout.count() > 0, "a command needs a positive timeout");
  if (!connected()) return fail_now(std::move(done), "not connected");
  const std::uint64_t id = next_id_++;
  std::vector<const char*> args;
  std::vector<std::size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* cookie = new Session::Cookie{session_.get(), id};
  if (redisAsyncCommandArgv(session_->ac, &Session::on_reply, cookie, static_cast<int>(args.size()), args.data(),
                            lens.data()) != REDIS_OK) {
    delete cookie;  // not queued: hiredis will never call back with it
    return fail_now(std::move(done), "hiredis refused the command (disconnecting)");
  }
  Pending p{std::move(done), std::make_unique<boost::asio::steady_timer>(io_, timeout),
            SteadyClock::now(),  // clsim-allow-nondeterminism: production adapter, latency
            argv[0]};
  std::weak_ptr<int> alive = alive_;
  p.deadline->async_wait([this, alive, id](boost::system::error_code ec) {
    if (!ec && !alive.expired()) timed_out(id);
  });
  pending_.emplace(id, std::move(p));
}

void RedisConnection::fail_now(ReplyHandler done, std::string reason) {
  std::weak_ptr<int> alive = alive_;
  boost::asio::post(io_, [alive, done = std::move(done), reason = std::move(reason)] {
    if (!alive.expired()) done(RedisReply::failed(reason));
  });
}

void RedisConnection::timed_out(std::uint64_t id) {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  const auto waited = std::chrono::duration_cast<Duration>(SteadyClock::now() - it->second.started);  // clsim-allow-nondeterminism: production adapter
  drop(it->second.call + " timed out after " + ms_text(waited));
}

void RedisConnection::drop(const std::string& reason) {
  if (session_ == nullptr || session_->ac == nullptr) return;
  const auto keep = session_;
  CLSIM_ASSERT(hooks_, (keep->ac->c.flags & REDIS_IN_CALLBACK) == 0, "drop() from inside a hiredis callback");
  keep->drop_reason = reason;
  redisAsyncFree(keep->ac);  // fails what is in flight (NULL replies), then cleanup
}

// Inside hiredis: record the answer, post the handler.
void RedisConnection::reply_arrived(std::uint64_t id, RedisReply reply) {
  // A reply proves the server alive: the next loss retries from the shortest wait.
  if (reply.answered()) backoff_ = options_.reconnect_min;
  finish(id, std::move(reply));
}

void RedisConnection::finish(std::uint64_t id, RedisReply reply) {
  const auto it = pending_.find(id);
  CLSIM_ASSERT(hooks_, it != pending_.end(), "a hiredis callback for an unknown command");
  Pending p = std::move(it->second);
  pending_.erase(it);
  p.deadline->cancel();
  if (options_.metrics != nullptr) {
    const auto took = SteadyClock::now() - p.started;  // clsim-allow-nondeterminism: production adapter, latency
    const bool ok = reply.answered() && reply.type != RedisReply::Type::error;
    options_.metrics->observe(kOutsideCall, {{"service", "redis"}, {"call", p.call}, {"result", ok ? "ok" : "error"}},
                              std::chrono::duration<double>(took).count());
  }
  std::weak_ptr<int> alive = alive_;
  boost::asio::post(io_, [alive, done = std::move(p.done), reply = std::move(reply)]() mutable {
    if (!alive.expired()) done(std::move(reply));
  });
}

}  // namespace clsim::live
