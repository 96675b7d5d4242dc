// PacedSocial: once X's headers say a bucket is empty until its reset, the engine
// answers the call with that 429 itself and sends nothing; buckets are per
// endpoint (and per posting user), calls in flight count before their answers,
// and an answer without headers never paces anything.
#include "engine/saga/paced_social.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "engine_harness.hpp"

namespace clsim::engine::testing {
namespace {

constexpr Duration kWindow = Duration(900'000'000);

// An X API with one window per bucket: `limit` calls, then 429 until the reset.
// It stamps the three headers on every answer when `headers` is on.
class WindowedSocial final : public Social {
 public:
  WindowedSocial(Clock& clock, std::int64_t limit) : clock_(clock), limit_(limit) {}
  bool headers = true;
  std::map<std::string, int> sent;  // requests that reached X, by bucket

  void post_tweet(PostTweetRequest req, std::function<void(PostTweetResult)> done) override {
    PostTweetResult r;
    r.status = admit(std::string(kPostTweets) + " " + req.account);
    answer(std::move(done), std::move(r));
  }
  void search_recent(SearchRequest, std::function<void(SearchResult)> done) override {
    SearchResult r;
    r.status = admit(kSearchRecent);
    answer(std::move(done), std::move(r));
  }
  void lookup_metrics(std::vector<std::string>, std::function<void(MetricsResult)> done) override {
    MetricsResult r;
    r.status = admit(kTweetsLookup);
    answer(std::move(done), std::move(r));
  }
  void list_engagers(EngagersRequest req, std::function<void(EngagersPage)> done) override {
    EngagersPage r;
    r.status = admit(engagers_endpoint(req.kind));
    answer(std::move(done), std::move(r));
  }

 private:
  struct Window {
    TimePoint reset{};
    std::int64_t used = 0;
  };
  ApiStatus admit(const std::string& bucket) {
    ++sent[bucket];
    Window& w = windows_[bucket];
    if (clock_.now() >= w.reset) w = Window{clock_.now() + kWindow, 0};
    ApiStatus s;
    if (w.used >= limit_) {
      s.http = 429;
      s.title = "Too Many Requests";
    } else {
      ++w.used;
    }
    if (headers || s.rate_limited()) s.rate_limit_reset = w.reset;
    if (headers) {
      s.rate_limit_limit = limit_;
      s.rate_limit_remaining = limit_ - w.used;
    }
    return s;
  }
  template <class R>
  void answer(std::function<void(R)> done, R r) {
    clock_.start_wait(Duration(50'000), TimerKind::foreground, "x",
                      [done = std::move(done), r = std::move(r)](boost::system::error_code ec) {
                        if (!ec) done(r);
                      });
  }
  Clock& clock_;
  std::int64_t limit_;
  std::map<std::string, Window> windows_;
};

struct PacedFixture {
  explicit PacedFixture(std::int64_t limit) : x(clock, limit) {}
  sim::Trace trace;
  sim::Scheduler scheduler{5, from_us(kDefaultStartUs), trace};
  sim::SimClock clock{scheduler, 1};
  FakeHooks hooks;
  WindowedSocial x;
  PacedSocial paced{x, clock, hooks};
  std::vector<ApiStatus> answers;

  void post(const std::string& account) {
    paced.post_tweet({account, "hello", std::nullopt}, [this](PostTweetResult r) { answers.push_back(r.status); });
  }
  void settle() { scheduler.run_until_quiet(scheduler.now() + Duration(10'000'000)); }
  int count_429() const {
    int n = 0;
    for (const auto& s : answers) n += s.rate_limited();
    return n;
  }
};

TEST(PacedSocial, OnceTheBucketIsEmptyTheCallIsRefusedHereUntilTheReset) {
  PacedFixture f(2);
  const TimePoint reset = f.scheduler.now() + kWindow;
  for (int i = 0; i < 4; ++i) {
    f.post("alice");
    f.settle();
  }
  EXPECT_EQ(f.x.sent["POST /2/tweets alice"], 2) << "X never saw a request it would refuse";
  ASSERT_EQ(f.answers.size(), 4u);
  EXPECT_EQ(f.count_429(), 2);
  EXPECT_EQ(f.answers[2].rate_limit_reset, reset) << "the caller waits for X's own reset";
  EXPECT_EQ(f.answers[2].rate_limit_remaining, 0);
  EXPECT_GE(f.hooks.marks["x_call_paced_before_429"], 2);
  // Past the reset the bucket is whole again and calls go out.
  f.scheduler.run_until(reset);
  f.post("alice");
  f.settle();
  EXPECT_EQ(f.x.sent["POST /2/tweets alice"], 3);
  EXPECT_TRUE(f.answers.back().ok());
}

TEST(PacedSocial, CallsInFlightTogetherAreCountedBeforeTheirAnswers) {
  PacedFixture f(3);
  f.post("alice");
  f.settle();  // X said: 2 left
  for (int i = 0; i < 5; ++i) f.post("alice");
  f.settle();
  EXPECT_EQ(f.x.sent["POST /2/tweets alice"], 3);
  EXPECT_EQ(f.count_429(), 3);
}

TEST(PacedSocial, BucketsAreKeptPerEndpointAndPerPostingUser) {
  PacedFixture f(1);
  f.post("alice");
  f.settle();
  f.post("alice");  // alice's bucket is empty
  f.post("bob");    // bob's is his own
  bool looked_up = false;
  f.paced.lookup_metrics({"1"}, [&](MetricsResult r) { looked_up = r.status.ok(); });
  f.settle();
  EXPECT_EQ(f.x.sent["POST /2/tweets alice"], 1);
  EXPECT_EQ(f.x.sent["POST /2/tweets bob"], 1);
  EXPECT_TRUE(looked_up) << "an app-wide read has a bucket of its own";
  const auto alice = f.paced.bucket(PacedSocial::bucket_key(kPostTweets, "alice"));
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->remaining, 0);
  EXPECT_EQ(alice->limit, 1);
}

TEST(PacedSocial, AnswersWithoutHeadersNeverPace) {
  PacedFixture f(2);
  f.x.headers = false;
  for (int i = 0; i < 5; ++i) {
    f.post("alice");
    f.settle();
  }
  EXPECT_EQ(f.x.sent["POST /2/tweets alice"], 5) << "without remaining, only X's own 429s refuse";
  EXPECT_EQ(f.count_429(), 3);
  EXPECT_EQ(f.hooks.marks["x_call_paced_before_429"], 0);
}

}  // namespace
}  // namespace clsim::engine::testing
