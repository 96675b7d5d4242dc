// POST /mock/engagements: a user engages with a stored tweet at mockd's now, as the
// mock audience would (TwitterService::add_engagement). `clsim differential` feeds
// a workload's `twitter:engagement:v1:observed` lines through it, so the live
// service sees the engagements a replay adds to the simulated X.
#include "mocks/wire/daemon_impl.hpp"
#include "mocks/wire/wire_json.hpp"

namespace clsim::mocks {

HttpResponse MockDaemon::Impl::add_engagement(const HttpRequest& req) {
  const auto parsed = wire::parse_mock_engagement(req.body());
  if (!parsed.ok) return error_response(req, http::status::bad_request, parsed.error, parsed.field);
  if (!twitter.find_tweet(parsed.tweet_id))
    return error_response(req, http::status::not_found, "unknown tweet " + parsed.tweet_id, "tweet_id");
  const auto at = clock.now();
  if (!twitter.add_engagement(parsed.tweet_id, parsed.user, parsed.kind, at))
    return error_response(req, http::status::conflict,
                          parsed.user + " already has a " + engine::to_string(parsed.kind) + " of " + parsed.tweet_id);
  return json_response(req, http::status::created,
                       {{"tweet_id", parsed.tweet_id},
                        {"user_id", parsed.user},
                        {"kind", engine::to_string(parsed.kind)},
                        {"at_us", engine::to_us(at)}});
}

}  // namespace clsim::mocks
