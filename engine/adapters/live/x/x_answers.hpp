// X API v2 answers read into the Social port's results: the status with RFC 7807
// problem fields and the rate-limit headers, and each call's 2xx body. No I/O, so
// every shape X (or mockd) can send is testable without a server. A 2xx body the
// reader cannot use becomes a 502-like status whose detail says what was wrong.
#pragma once
#include <string>

#include "engine/adapters/live/http/http_client.hpp"
#include "engine/ports/social.hpp"

namespace clsim::live::x {

// http, title and detail (problem+json, or the older {"errors":[{"message"}]}), and
// the x-rate-limit-* headers whenever the answer carries them. No answer (status 0):
// http 0 with the transport's reason as the detail.
engine::ApiStatus status_of(const HttpResult& r);

engine::PostTweetResult post_answer(const HttpResult& r, const engine::PostTweetRequest& req);
engine::SearchResult search_answer(const HttpResult& r);
engine::MetricsResult metrics_answer(const HttpResult& r);
// `root_id`: the tweet asked about; a conversation search also returns the root
// itself, which is nobody's reply.
engine::EngagersPage engagers_answer(const HttpResult& r, engine::EngagementKind kind, const std::string& root_id);

}  // namespace clsim::live::x
