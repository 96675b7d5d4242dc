#include "live/redis_test_support.hpp"

#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

namespace clsim::live_test {

using namespace std::chrono_literals;

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (io.stopped()) io.restart();
    if (io.run_for(10ms) == 0) std::this_thread::sleep_for(2ms);  // nothing queued at all
  }
  return true;
}

void run_for(boost::asio::io_context& io, std::chrono::milliseconds span) {
  const auto deadline = std::chrono::steady_clock::now() + span;
  while (std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    if (io.run_for(10ms) == 0) std::this_thread::sleep_for(2ms);
  }
}

int free_tcp_port() {
  boost::asio::io_context probe;
  boost::asio::ip::tcp::acceptor a(probe, {boost::asio::ip::address_v4::loopback(), 0});
  return a.local_endpoint().port();
}

std::unique_ptr<ChildProcess> start_tcp_redis(const TempDir& dir, int& port) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    port = free_tcp_port();
    auto redis = std::make_unique<ChildProcess>(
        std::vector<std::string>{"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--dir", dir.path()},
        dir.file("redis-tcp.log"));
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (redis->running() && std::chrono::steady_clock::now() < deadline) {
      redisContext* c = redisConnect("127.0.0.1", port);
      const bool up = c != nullptr && c->err == 0;
      if (c != nullptr) redisFree(c);
      if (up) return redis;
      std::this_thread::sleep_for(20ms);
    }
  }
  return nullptr;
}

SyncRedis::SyncRedis(const std::string& unix_path) : c_(redisConnectUnix(unix_path.c_str())) {
  if (c_ == nullptr || c_->err != 0) {
    if (c_ != nullptr) redisFree(c_);
    throw std::runtime_error("redisConnectUnix failed: " + unix_path);
  }
}

SyncRedis::~SyncRedis() { redisFree(c_); }

long long SyncRedis::pending(const std::string& stream, const std::string& group) {
  auto* r = static_cast<redisReply*>(redisCommand(c_, "XPENDING %s %s", stream.c_str(), group.c_str()));
  long long n = -1;
  if (r != nullptr && r->type == REDIS_REPLY_ARRAY && r->elements >= 1) n = r->element[0]->integer;
  if (r != nullptr) freeReplyObject(r);
  return n;
}

long long SyncRedis::connections_received() {
  static constexpr std::string_view kKey = "total_connections_received:";
  auto* r = static_cast<redisReply*>(redisCommand(c_, "INFO stats"));
  long long n = -1;
  if (r != nullptr && r->type == REDIS_REPLY_STRING) {
    const std::string text(r->str, r->len);
    const auto at = text.find(kKey);
    if (at != std::string::npos) n = std::stoll(text.substr(at + kKey.size()));
  }
  if (r != nullptr) freeReplyObject(r);
  return n;
}

long long SyncRedis::xlen(const std::string& stream) {
  auto* r = static_cast<redisReply*>(redisCommand(c_, "XLEN %s", stream.c_str()));
  const long long n = r != nullptr && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
  if (r != nullptr) freeReplyObject(r);
  return n;
}

std::vector<std::string> SyncRedis::field_values(const std::string& stream, const std::string& field) {
  auto* r = static_cast<redisReply*>(redisCommand(c_, "XRANGE %s - +", stream.c_str()));
  std::vector<std::string> out;
  // [[id, [field, value, ...]], ...]
  if (r != nullptr && r->type == REDIS_REPLY_ARRAY)
    for (std::size_t i = 0; i < r->elements; ++i) {
      const redisReply* entry = r->element[i];
      if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2) continue;
      const redisReply* fields = entry->element[1];
      for (std::size_t k = 0; k + 1 < fields->elements; k += 2)
        if (std::string(fields->element[k]->str, fields->element[k]->len) == field)
          out.emplace_back(fields->element[k + 1]->str, fields->element[k + 1]->len);
    }
  if (r != nullptr) freeReplyObject(r);
  return out;
}

}  // namespace clsim::live_test
