// Feeds a workload to the live stack at its relative times, as a replay feeds the
// simulator: commands to serve's HTTP API in log order (one at a time, so lines
// sharing a time keep their order), engagements to mockd's POST /mock/engagements
// once serve shows the campaign's first tweet. A command the log marks
// `"accepted": true` that serve refuses by its rules (409) is tried again each
// second for up to the match window, as the replay does; 503 (store busy) is
// retried too. Runs on the caller's io_context; single-threaded.
#pragma once
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sim/differential/endpoint.hpp"
#include "sim/differential/workload.hpp"

namespace clsim::differential {

class LiveFeeder {
 public:
  using Clock = std::chrono::steady_clock;  // clsim-allow-nondeterminism: the live side runs on real time

  LiveFeeder(boost::asio::io_context& io, Endpoint& serve, Endpoint& mockd, const Workload& workload,
             std::chrono::microseconds match_window);
  LiveFeeder(const LiveFeeder&) = delete;
  LiveFeeder& operator=(const LiveFeeder&) = delete;

  // Line k goes out at start + its offset from the workload's start.
  void start(Clock::time_point start);
  // Every line fed and every answer, retry and engagement wait over.
  bool done() const { return next_ >= lines().size() && pending_ == 0; }
  std::size_t lines_fed() const { return next_; }
  std::size_t lines_total() const { return lines().size(); }
  // Lines refused in the end (after retries), with why: the status and serve's error.
  const std::map<int, std::string>& refused() const { return refused_; }
  // Campaigns a publish of which serve accepted: only these have to finish.
  const std::set<std::string>& published() const { return published_; }

 private:
  struct Pending {
    const sim::LogLine* line;
    std::chrono::microseconds waited{0};
    int busy_retries = 0;
  };

  const std::vector<sim::LogLine>& lines() const { return workload_.log.lines; }
  void feed_due();
  void enqueue(Pending p);
  void pump();
  void answered(Pending p, const live::HttpResult& r);
  void retry_later(Pending p);
  void engagement(const sim::LogLine& line, Clock::time_point deadline);
  void post_engagement(const sim::LogLine& line, const std::string& tweet_id);
  void refuse(const sim::LogLine& line, const live::HttpResult& r);
  template <class F>
  void after(std::chrono::milliseconds delay, F&& f);

  boost::asio::io_context& io_;
  Endpoint& serve_;
  Endpoint& mockd_;
  const Workload& workload_;
  std::chrono::microseconds match_window_;
  Clock::time_point start_{};
  boost::asio::steady_timer timer_;
  std::size_t next_ = 0;  // the next line to feed
  int pending_ = 0;       // commands queued or in flight, retries and engagements waiting
  std::deque<Pending> queue_;
  bool in_flight_ = false;
  std::map<int, std::string> refused_;
  std::set<std::string> published_;
  std::map<std::string, std::string> first_tweet_;  // campaign -> its first tweet (never changes)
};

// The serve API request a command line becomes (method, target, body).
struct ApiRequest {
  std::string method, target;
  nlohmann::json body;
};
ApiRequest api_request(const sim::LogLine& line);

}  // namespace clsim::differential
