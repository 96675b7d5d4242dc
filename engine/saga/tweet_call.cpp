#include "engine/saga/tweet_call.hpp"

#include "engine/domain/validation.hpp"

namespace clsim::engine {

namespace {
constexpr int kRateLimitWaitsMax = 50;
// Recent search ends ~30 s before now; searching sooner after a duplicate is wasted.
constexpr Duration kSearchLagStep = Duration(5'000'000);

std::string describe(const ApiStatus& s) {
  std::string out = "twitter: " + std::to_string(s.http);
  if (!s.title.empty()) out += " " + s.title;
  if (!s.detail.empty() && s.detail != s.title) out += ": " + s.detail;
  return out;
}
}  // namespace

std::string tweet_text_with_marker(const std::string& text, const std::string& marker) {
  if (text.empty()) return marker;
  const std::size_t room = std::size_t(kTweetTextMax) - marker.size() - 1;
  return utf8_prefix(text, room) + " " + marker;
}

void TweetCall::start(CallEnv env, Social& social, TweetCallSpec spec) {
  // A tweet is posted only under its step's lease (PublishSaga::tweet_step binds
  // it); the skip_duplicate_tweet_check mutation takes it too.
  CLSIM_ASSERT(env.hooks, bool(spec.hold), "tweet call " + spec.label + " would post without holding its tweet lease");
  auto call = std::make_shared<TweetCall>(std::move(env), social, std::move(spec));
  if (call->spec_.prior_attempts > 0 && !call->spec_.skip_duplicate_check) {
    call->search();  // an earlier post may have gone through before we lost track of it
  } else {
    call->post();
  }
}

bool TweetCall::held() {
  if (spec_.hold()) return true;
  if (!finished_) {
    finished_ = true;
    CLSIM_SOMETIMES(env_.hooks, "tweet_lease_held_elsewhere");
    TweetOutcome out{false, {}, "twitter: tweet step owned by another engine"};
    out.abandoned = true;
    spec_.done(out);
  }
  return false;
}

void TweetCall::search() {
  if (env_.dead() || finished_ || !held()) return;
  social_.search_recent(SearchRequest{spec_.account, spec_.marker}, [self = shared_from_this()](SearchResult r) {
    if (self->env_.dead() || self->finished_) return;
    if (r.status.ok()) {
      for (const auto& t : r.tweets) {
        if (t.text.find(self->spec_.marker) == std::string::npos) continue;
        if (!t.author.empty() && t.author != self->spec_.account) continue;
        CLSIM_SOMETIMES(self->env_.hooks, "duplicate_tweet_prevented");
        self->finish(true, t.id, {});
        return;
      }
      if (!self->saw_duplicate_) {
        self->post();
        return;
      }
      // X says it exists but search does not show it yet: wait out the lag.
      if (++self->lag_searches_ > 2 * self->env_.retry.max_attempts) {
        self->finish(false, {}, "twitter: duplicate content but the tweet never appeared in search");
        return;
      }
      self->env_.after(kSearchLagStep + self->env_.backoff(self->lag_searches_), "tweet_search:" + self->spec_.label,
                       [self] { self->search(); });
      return;
    }
    if (r.status.rate_limited()) {
      self->wait_rate_limit(r.status.rate_limit_reset, &TweetCall::search);
      return;
    }
    if (r.status.timed_out() || r.status.server_error()) {
      self->retry(&TweetCall::search, "search");
      return;
    }
    self->finish(false, {}, describe(r.status));
  });
}

void TweetCall::post() {
  if (env_.dead() || finished_ || !held()) return;
  const std::int64_t attempt = spec_.prior_attempts + 1;
  if (!spec_.persist_attempts(attempt)) {
    retry(&TweetCall::post, "store");
    return;
  }
  spec_.prior_attempts = attempt;
  if (!spec_.before_point.empty()) CLSIM_CRASH_POINT(env_.hooks, spec_.before_point);
  PostTweetRequest req{spec_.account, spec_.text, spec_.in_reply_to};
  // The deliberate bug: a text that differs per attempt, so X cannot refuse a repeat.
  if (spec_.skip_duplicate_check && attempt > 1) req.text = spec_.text + " #" + std::to_string(attempt);
  social_.post_tweet(std::move(req), [self = shared_from_this()](PostTweetResult r) {
    if (!self->env_.dead() && !self->finished_) self->on_post(r);
  });
}

void TweetCall::on_post(const PostTweetResult& r) {
  if (r.status.ok()) {
    if (!spec_.after_point.empty()) CLSIM_CRASH_POINT(env_.hooks, spec_.after_point);
    finish(true, r.tweet.id, {});
    return;
  }
  if (r.status.duplicate_content() && !spec_.skip_duplicate_check) {
    saw_duplicate_ = true;
    env_.after(kSearchLagStep, "tweet_search:" + spec_.label, [self = shared_from_this()] { self->search(); });
    return;
  }
  if (r.status.rate_limited()) {
    wait_rate_limit(r.status.rate_limit_reset, &TweetCall::post);  // a 429 created nothing
    return;
  }
  if (r.status.timed_out() || r.status.server_error()) {
    // The post may have been created before the answer was lost: look before posting again.
    retry(spec_.skip_duplicate_check ? &TweetCall::post : &TweetCall::search, "post");
    return;
  }
  finish(false, {}, describe(r.status));
}

void TweetCall::retry(void (TweetCall::*next)(), const char* why) {
  if (++attempts_ >= env_.retry.max_attempts) {
    finish(false, {}, std::string("twitter: retries exhausted (") + why + ")");
    return;
  }
  env_.after(env_.backoff(attempts_), "tweet_retry:" + spec_.label, [self = shared_from_this(), next] {
    ((*self).*next)();
  });
}

void TweetCall::wait_rate_limit(TimePoint reset, void (TweetCall::*next)()) {
  if (++rate_limit_waits_ > kRateLimitWaitsMax) {
    finish(false, {}, "twitter: rate limited too long");
    return;
  }
  Duration wait = reset - env_.clock.now();
  if (wait.count() < 0) wait = Duration(0);
  // A little jitter so many campaigns do not stampede at the reset instant.
  env_.after(wait + env_.backoff(1), "tweet_rate_limit:" + spec_.label, [self = shared_from_this(), next] {
    ((*self).*next)();
  });
}

void TweetCall::finish(bool success, std::string id, std::string reason) {
  if (finished_) return;
  finished_ = true;
  spec_.done(TweetOutcome{success, std::move(id), std::move(reason)});
}

}  // namespace clsim::engine
