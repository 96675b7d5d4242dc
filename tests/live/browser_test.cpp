// The page at / in a real browser: headless Chromium (Debian's package) opens it,
// and the test reads the page's own table through the DevTools protocol until the
// campaign it created shows EXPIRED, as a person watching would see it.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "live/live_stack.hpp"
#include "live/ws_test_client.hpp"

namespace clsim::live_test {
namespace {

using nlohmann::json;

// Chromium with its DevTools endpoint on a free port, in a fresh profile, with the
// background traffic off (this machine has no network beyond loopback).
class Browser {
 public:
  Browser(const TempDir& dir, const std::string& url) {
    const std::string profile = dir.file("chromium-profile");
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                                 "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                                 "--remote-debugging-port=0", url},
        dir.file("chromium.log"));
    // Chromium writes its port and browser path here once it listens.
    const std::string active = profile + "/DevToolsActivePort";
    const auto port = wait_for_port_file(active, *process_, std::chrono::seconds(30));
    if (!port) throw std::runtime_error("chromium did not start: " + process_->log());
    port_ = *port;
  }
  ~Browser() { process_->stop(std::chrono::milliseconds(2000)); }

  // The page target's DevTools WebSocket path, once the page exists.
  std::string page_path() {
    for (int i = 0; i < 100; ++i) {
      const auto list = http_get(port_, "/json/list").json();
      if (list.is_array())
        for (const auto& t : list)
          if (t.value("type", "") == "page") {
            const std::string ws = t.value("webSocketDebuggerUrl", "");
            const auto slash = ws.find("/devtools/");
            if (slash != std::string::npos) return ws.substr(slash);
          }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("chromium has no page target");
  }
  int port() const { return port_; }

 private:
  std::unique_ptr<ChildProcess> process_;
  int port_ = 0;
};

// Runtime.evaluate of `expression` in the page; its string value ("" on failure).
std::string evaluate(WsTestClient& devtools, int id, const std::string& expression) {
  const json call = {{"id", id},
                     {"method", "Runtime.evaluate"},
                     {"params", {{"expression", expression}, {"returnByValue", true}}}};
  if (!devtools.send(call.dump())) return "";
  for (int i = 0; i < 50; ++i) {
    auto frame = devtools.read(std::chrono::milliseconds(200));
    if (!frame) continue;
    const auto msg = json::parse(*frame, nullptr, false);
    if (msg.is_object() && msg.value("id", -1) == id) {
      const auto& v = msg["result"]["result"];
      return v.value("type", "") == "string" ? v["value"].get<std::string>() : "";
    }
  }
  return "";
}

TEST(LivePage, ShowsACampaignReachingExpiredInABrowser) {
  LiveStack stack;
  const json spec = {{"owner", "alice"},
                     {"budget", 500'000},
                     {"rates", {{"like", 100}, {"retweet", 300}, {"quote", 500}, {"reply", 200}}},
                     {"duration_us", 8'000'000},
                     {"claim_window_us", 4'000'000}};
  Browser browser(stack.dir(), "http://127.0.0.1:" + std::to_string(stack.serve_port()) + "/");
  WsTestClient devtools(browser.port(), browser.page_path());
  ASSERT_EQ(stack.post("/v1/campaigns", spec).status, 201);
  ASSERT_EQ(stack.post("/v1/campaigns/c-1/publish", json::object()).status, 202);

  const std::string state_cell =
      "(() => { const c = document.querySelector('tr[data-campaign=\"c-1\"] .state');"
      " return c ? c.textContent : ''; })()";
  std::string shown, status;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  for (int id = 1; std::chrono::steady_clock::now() < until; ++id) {
    shown = evaluate(devtools, id, state_cell);
    if (shown == "EXPIRED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  status = evaluate(devtools, 100000, "document.getElementById('status').textContent");
  EXPECT_EQ(shown, "EXPIRED") << "the page's status line: " << status << "\n" << stack.logs();
  EXPECT_EQ(status, "live: connected");
  EXPECT_EQ(stack.get("/v1/campaigns/c-1").json()["state"], "EXPIRED");
}

}  // namespace
}  // namespace clsim::live_test
