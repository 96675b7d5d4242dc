// A WebSocket client that stops reading, against a real serve: once its 256-frame
// queue overflows the hub closes it with 1008, frees it, and the server's memory
// does not follow the frames it would have owed; a client that reads meanwhile
// gets every frame, gap-free. The slow client is a raw socket with a small
// receive buffer, so the kernel's buffers fill fast and the hub's queue backs up.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "live/live_stack.hpp"
#include "live/ws_test_client.hpp"

namespace clsim::live_test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A WebSocket client on a raw socket that reads only when told to.
class SlowSocket {
 public:
  explicit SlowSocket(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    const int small = 2048;  // the kernel doubles it; set before connect so the window stays small
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
    const std::string req = "GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
      throw std::runtime_error("send failed");
    const auto until = Clock::now() + 5s;
    while (in_.find("\r\n\r\n") == std::string::npos && Clock::now() < until && fill(100ms)) {
    }
    const auto end = in_.find("\r\n\r\n");
    if (end == std::string::npos || in_.rfind("HTTP/1.1 101", 0) != 0) throw std::runtime_error("no upgrade: " + in_);
    in_.erase(0, end + 4);
  }
  ~SlowSocket() { ::close(fd_); }

  // Reads what arrives until the server closes or `bound` passes; parses the
  // frames (server frames are unmasked): text frames counted, a close's code kept.
  void drain(std::chrono::milliseconds bound) {
    const auto until = Clock::now() + bound;
    while (!eof_ && Clock::now() < until && close_code_ == 0) {
      fill(50ms);
      parse();
    }
    parse();
  }
  int texts() const { return texts_; }
  int close_code() const { return close_code_; }

 private:
  bool fill(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return true;
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return !(eof_ = true);
    in_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  void parse() {
    while (in_.size() >= 2) {
      const auto b0 = static_cast<unsigned char>(in_[0]), b1 = static_cast<unsigned char>(in_[1]);
      std::size_t len = b1 & 0x7f, head = 2;
      if (len == 126) {
        if (in_.size() < 4) return;
        len = (std::size_t(static_cast<unsigned char>(in_[2])) << 8) | static_cast<unsigned char>(in_[3]);
        head = 4;
      } else if (len == 127) {
        return;  // the hub's frames are far smaller
      }
      if (in_.size() < head + len) return;
      const int opcode = b0 & 0x0f;
      if (opcode == 0x1) ++texts_;
      if (opcode == 0x8 && len >= 2)
        close_code_ = (static_cast<unsigned char>(in_[head]) << 8) | static_cast<unsigned char>(in_[head + 1]);
      in_.erase(0, head + len);
    }
  }
  int fd_;
  std::string in_;
  bool eof_ = false;
  int texts_ = 0, close_code_ = 0;
};

long vm_rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// A metric's value; 0 when the family has no sample yet (a counter never added to).
double metric(LiveStack& stack, const std::string& name) {
  const std::string text = stack.get("/metrics").body;
  const auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? 0 : std::stod(text.substr(at + name.size() + 2));
}

// The client that keeps up: every campaign's live frames, read on a thread of its
// own; stopped and joined by its destructor, so a failed assertion cannot leave
// it running.
class GoodReader {
 public:
  explicit GoodReader(int port) : ws_(port, "/v1/ws"), thread_([this] { run(); }) {}
  ~GoodReader() { finish(); }
  // Reads what is still on its way, then stops; the seqs seen per campaign.
  const std::map<std::string, std::vector<long long>>& finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return seen_;
  }
  int close_code() const { return ws_.close_code(); }

 private:
  void run() {
    while (!stop_) take(ws_.read(200ms));
    while (auto f = ws_.read(500ms)) take(f);
  }
  void take(const std::optional<std::string>& f) {
    if (!f) return;
    const auto j = json::parse(*f);
    seen_[j["campaign_id"].get<std::string>()].push_back(j["seq"].get<long long>());
  }
  WsTestClient ws_;
  std::atomic<bool> stop_{false};
  std::map<std::string, std::vector<long long>> seen_;
  std::thread thread_;  // last: starts once the rest is built
};

// 40 characters (the longest id) so each frame is as large as it gets and the
// kernel's buffers (the server's send buffer grows to MBs on loopback) fill sooner.
std::string long_id(int n) {
  std::string id = "slow-client-campaign-" + std::to_string(n);
  return id + std::string(40 - id.size(), 'x');
}

TEST(WsFaults, AClientThatStopsReadingIsClosed1008AndOthersGetEveryFrame) {
  LiveStack stack(LiveStackOptions{.audience = 0});
  json body = {{"owner", "alice"},
               {"budget", 1000},
               {"rates", {{"like", 1}, {"retweet", 1}, {"quote", 1}, {"reply", 1}}},
               {"duration_us", 600'000'000},
               {"claim_window_us", 600'000'000}};
  int created = 0;
  auto create = [&] {
    body["id"] = long_id(++created);
    return stack.post("/v1/campaigns", body).status;
  };
  for (int i = 0; i < 50; ++i) ASSERT_EQ(create(), 201);  // warm the caches
  const long rss_before = vm_rss_kib(stack.serve().pid());

  GoodReader good(stack.serve_port());
  SlowSocket slow(stack.serve_port());
  for (int i = 0; i < 100 && metric(stack, "clsim_ws_clients") < 2; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(metric(stack, "clsim_ws_clients"), 2);

  // Each create is one state update to both clients. Stop once the hub gave up on
  // the slow one: kernel buffers (up to tcp_wmem's 4 MiB on the server's side)
  // plus 256 queued frames of ~170 bytes is under 30,000 frames.
  const auto until = Clock::now() + 150s;
  while (metric(stack, "clsim_ws_slow_clients_closed_total") < 1 && created < 30'000 && Clock::now() < until)
    for (int k = 0; k < 50; ++k) ASSERT_EQ(create(), 201);
  const int at_close = created;
  ASSERT_EQ(metric(stack, "clsim_ws_slow_clients_closed_total"), 1) << created << " campaigns created";
  // Reading now lets the frame in flight finish, then the close frame follows
  // (within the hub's 2 s before it shuts the socket).
  slow.drain(5s);
  EXPECT_EQ(slow.close_code(), 1008) << "after " << slow.texts() << " frames";
  EXPECT_LT(slow.texts(), at_close - 50) << "the slow client was dropped before it got everything";
  for (int i = 0; i < 100 && metric(stack, "clsim_ws_clients") > 1; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(metric(stack, "clsim_ws_clients"), 1) << "the slow client is gone from the hub";

  for (int k = 0; k < 500; ++k) ASSERT_EQ(create(), 201);  // and the good client keeps up
  const long rss_after = vm_rss_kib(stack.serve().pid());
  const auto& seen = good.finish();
  EXPECT_EQ(good.close_code(), 0) << "the reading client was not closed";
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(created - 50)) << "one CREATED frame per campaign made after it joined";
  for (const auto& [campaign, seqs] : seen) ASSERT_EQ(seqs, std::vector<long long>{1}) << campaign;
  std::cout << created << " campaigns; slow client closed after " << at_close << "; VmRSS " << rss_before << " -> "
            << rss_after << " KiB\n";
  // What the hub holds for a client is bounded by its queue (256 frames); a hub
  // that queued without bound would hold every frame the slow client missed
  // (~170 bytes each, MBs here). The rest of the growth is SQLite's page cache
  // (2 MiB), the rows and the per-client seq maps; 32 MiB bounds all of it.
  ASSERT_GT(rss_before, 0);
  EXPECT_LT(rss_after - rss_before, 32 * 1024) << "VmRSS grew from " << rss_before << " KiB to " << rss_after << " KiB";
}

}  // namespace
}  // namespace clsim::live_test
