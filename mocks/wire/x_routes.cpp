// The X API v2 subset on the wire (docs/LIVE.md): POST /2/tweets, recent search
// (`from:` and `conversation_id:`), the metrics lookup and the engager lists, each
// answered by TwitterService after its latency, with the endpoint bucket's
// x-rate-limit-* headers on every answer and RFC 7807 problems for refusals.
#include <boost/beast/core/string.hpp>

#include "mocks/twitter/problems.hpp"
#include "mocks/wire/daemon_impl.hpp"
#include "mocks/wire/wire_json.hpp"

namespace clsim::mocks {

namespace {

constexpr std::int64_t kMaxResultsParseBound = 1'000'000'000;

// `Authorization: Bearer user:ACCOUNT` is ACCOUNT's user-context token; any other
// non-empty bearer token is app auth.
XAuth bearer_auth(const HttpRequest& req) {
  XAuth auth;
  const auto header = req[http::field::authorization];
  const std::string_view value(header.data(), header.size());
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !boost::beast::iequals(boost::beast::string_view(value.data(), kScheme.size()),
                             boost::beast::string_view(kScheme.data(), kScheme.size())))
    return auth;
  std::string_view token = value.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty()) return auth;
  if (token.starts_with("user:") && token.size() > 5) {
    auth.kind = XAuth::Kind::user;
    auth.account = std::string(token.substr(5));
  } else {
    auth.kind = XAuth::Kind::app;
  }
  return auth;
}

engine::ApiStatus unsupported_authentication() {
  engine::ApiStatus s;
  s.http = 403;
  s.title = "Unsupported Authentication";
  s.detail =
      "Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication "
      "types are [OAuth 1.0a User Context, OAuth 2.0 User Context].";
  return s;
}

// max_results as given (the service or the caller checks the range), else `fallback`.
std::optional<int> max_results_param(std::string_view target, int fallback) {
  const auto text = live::query_param(target, "max_results");
  if (!text) return fallback;
  const auto v = wire::parse_int(*text, -kMaxResultsParseBound, kMaxResultsParseBound);
  if (!v) return std::nullopt;
  return int(*v);
}

nlohmann::json meta_json(std::size_t count, const std::optional<std::string>& next_token) {
  nlohmann::json meta = {{"result_count", count}};
  if (next_token) meta["next_token"] = *next_token;
  return meta;
}

// X leaves `data` out of a page with nothing on it.
nlohmann::json page_json(nlohmann::json data, const std::optional<std::string>& next_token) {
  nlohmann::json body = {{"meta", meta_json(data.size(), next_token)}};
  if (!data.empty()) body["data"] = std::move(data);
  return body;
}

// An audience user's quote or reply, which the mock keeps as an engagement only.
nlohmann::json engagement_tweet_json(const std::string& tweet_id, const std::string& user,
                                     engine::EngagementKind kind) {
  const bool quote = kind == engine::EngagementKind::quote;
  nlohmann::json t = {{"id", wire::synthetic_tweet_id(tweet_id, user, kind)},
                      {"text", user + (quote ? " quoted " : " replied to ") + tweet_id},
                      {"author_id", user},
                      {"referenced_tweets",
                       nlohmann::json::array({{{"type", quote ? "quoted" : "replied_to"}, {"id", tweet_id}}})}};
  if (!quote) t["conversation_id"] = tweet_id;
  return t;
}

nlohmann::json not_found_error(const std::string& id) {
  return {{"value", id},
          {"detail", "Could not find tweet with ids: [" + id + "]."},
          {"title", "Not Found Error"},
          {"resource_type", "tweet"},
          {"parameter", "ids"},
          {"resource_id", id},
          {"type", "https://api.twitter.com/2/problems/resource-not-found"}};
}

// "1,2,3" -> {"1", "2", "3"}; "" -> {} (the service answers 400 for no ids).
std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  for (auto comma = text.find(','); comma != std::string::npos; comma = text.find(',', start)) {
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  out.push_back(text.substr(start));
  return out;
}

}  // namespace

bool MockDaemon::Impl::route_x(const HttpRequest& req, const Respond& respond) {
  const std::string_view path = live::target_path(target_of(req));
  const auto method = req.method();
  const char* endpoint = nullptr;
  const char* allow = "GET";
  std::string tweet_id;
  engine::EngagementKind kind = engine::EngagementKind::like;
  if (path == "/2/tweets") {
    endpoint = method == http::verb::post ? kPostTweets : kTweetsLookup;
    allow = "GET, POST";
  } else if (path == "/2/tweets/search/recent") {
    endpoint = kSearchRecent;
  } else if (path.starts_with("/2/tweets/")) {
    const std::string_view rest = path.substr(10);
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0) return false;
    const std::string_view leaf = rest.substr(slash + 1);
    tweet_id = std::string(rest.substr(0, slash));
    if (leaf == "liking_users") endpoint = kLikingUsers, kind = engine::EngagementKind::like;
    else if (leaf == "retweeted_by") endpoint = kRetweetedBy, kind = engine::EngagementKind::retweet;
    else if (leaf == "quote_tweets") endpoint = kQuoteTweets, kind = engine::EngagementKind::quote;
    else return false;
  } else {
    return false;
  }
  const bool allowed = method == http::verb::get || (method == http::verb::post && endpoint == kPostTweets);
  if (!allowed) {
    respond(method_not_allowed(req, allow));
    return true;
  }
  const XAuth auth = bearer_auth(req);
  if (auth.kind == XAuth::Kind::none) {
    x_reply(req, respond, endpoint, auth.account, problems::unauthorized(), {}, engine::Duration(0));
    return true;
  }
  if (endpoint == kPostTweets) x_post_tweet(req, auth, respond);
  else if (endpoint == kSearchRecent) x_search(req, respond);
  else if (endpoint == kTweetsLookup) x_lookup(req, respond);
  else x_engagers(req, tweet_id, kind, respond);
  return true;
}

void MockDaemon::Impl::x_reply(const HttpRequest& req, const Respond& respond, const char* endpoint,
                               const std::string& user, const engine::ApiStatus& status, nlohmann::json body,
                               engine::Duration latency) {
  if (status.timed_out()) return drop_after(latency, respond);
  const auto code = static_cast<http::status>(status.http);
  HttpResponse res = status.ok() ? json_response(req, code, body)
                                 : json_response(req, code, wire::problem_json(status), "application/problem+json");
  // The bucket as this call left it (a read-only query: the simulation's windows
  // are untouched), stamped as the simulated client stamps it.
  engine::ApiStatus headers = status;
  twitter.stamp_rate_limit(headers, endpoint, user);
  if (headers.rate_limit_limit >= 0) {
    res.set("x-rate-limit-limit", std::to_string(headers.rate_limit_limit));
    res.set("x-rate-limit-remaining", std::to_string(headers.rate_limit_remaining));
    res.set("x-rate-limit-reset", std::to_string(wire::epoch_seconds_ceil(headers.rate_limit_reset)));
  }
  if (latency <= engine::Duration(0)) return respond(std::move(res));
  answer_after(latency, respond, std::move(res));
}

void MockDaemon::Impl::x_post_tweet(const HttpRequest& req, const XAuth& auth, const Respond& respond) {
  const auto refuse = [&](engine::ApiStatus status) {
    x_reply(req, respond, kPostTweets, auth.account, status, {}, engine::Duration(0));
  };
  if (auth.kind != XAuth::Kind::user) return refuse(unsupported_authentication());
  const auto body = nlohmann::json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return refuse(problems::invalid_request("The request body must be a JSON object."));
  engine::PostTweetRequest post;
  post.account = auth.account;
  if (body.contains("text")) {
    if (!body["text"].is_string()) return refuse(problems::invalid_request("The `text` field must be a string."));
    post.text = body["text"].get<std::string>();
  }
  if (body.contains("reply")) {
    const auto& reply = body["reply"];
    if (!reply.is_object() || !reply.contains("in_reply_to_tweet_id") || !reply["in_reply_to_tweet_id"].is_string())
      return refuse(problems::invalid_request("The `reply.in_reply_to_tweet_id` field must be a Tweet id string."));
    post.in_reply_to = reply["in_reply_to_tweet_id"].get<std::string>();
  }
  auto answer = twitter.post_tweet(post);
  nlohmann::json out;
  if (answer.result.status.ok())
    out = {{"data", {{"id", answer.result.tweet.id}, {"text", answer.result.tweet.text}}}};
  x_reply(req, respond, kPostTweets, auth.account, answer.result.status, std::move(out), answer.latency);
}

void MockDaemon::Impl::x_search(const HttpRequest& req, const Respond& respond) {
  const auto target = target_of(req);
  const auto refuse = [&](std::string detail) {
    x_reply(req, respond, kSearchRecent, {}, problems::invalid_request(std::move(detail)), {}, engine::Duration(0));
  };
  const auto text = live::query_param(target, "query");
  if (!text || text->empty()) return refuse("The `query` query parameter can not be empty.");
  const auto query = wire::parse_search_query(*text);
  if (!query)
    return refuse("mockd answers only the queries `from:ACCOUNT \"PHRASE\"` and `conversation_id:ID`.");
  const auto max_results = max_results_param(target, 10);
  if (!max_results) return refuse("The `max_results` query parameter value is not a number.");
  if (query->conversation) {
    // Replies to a tweet: the engager list of kind reply, paged by next_token.
    engine::EngagersRequest er{query->conversation_id, engine::EngagementKind::reply,
                               live::query_param(target, "next_token"), *max_results};
    auto answer = twitter.list_engagers(er);
    nlohmann::json data = nlohmann::json::array();
    for (const auto& user : answer.result.user_ids)
      data.push_back(engagement_tweet_json(er.tweet_id, user, engine::EngagementKind::reply));
    x_reply(req, respond, kSearchRecent, {}, answer.result.status, page_json(std::move(data), answer.result.next_token),
            answer.latency);
    return;
  }
  if (*max_results < 10 || *max_results > 100)
    return refuse("The `max_results` query parameter value [" + std::to_string(*max_results) +
                  "] is not between 10 and 100");
  auto answer = twitter.search_recent({query->account, query->phrase});
  // One page: mockd gives no next_token for a `from:` search.
  nlohmann::json data = nlohmann::json::array();
  for (const auto& t : answer.result.tweets) {
    if (int(data.size()) >= *max_results) break;
    data.push_back(wire::tweet_json(t));
  }
  nlohmann::json body = page_json(data, std::nullopt);
  if (!data.empty()) {
    body["meta"]["newest_id"] = data.front()["id"];
    body["meta"]["oldest_id"] = data.back()["id"];
  }
  x_reply(req, respond, kSearchRecent, {}, answer.result.status, std::move(body), answer.latency);
}

void MockDaemon::Impl::x_lookup(const HttpRequest& req, const Respond& respond) {
  const auto ids = split_ids(live::query_param(target_of(req), "ids").value_or(""));
  auto answer = twitter.lookup_metrics(ids);
  nlohmann::json data = nlohmann::json::array();
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& m : answer.result.metrics) {
    const TweetRecord* t = twitter.find_tweet(m.tweet_id);
    data.push_back({{"id", m.tweet_id},
                    {"text", t ? t->tweet.text : std::string()},
                    {"author_id", t ? t->tweet.author : std::string()},
                    {"public_metrics",
                     {{"like_count", m.like_count},
                      {"retweet_count", m.retweet_count},
                      {"quote_count", m.quote_count},
                      {"reply_count", m.reply_count}}}});
  }
  // An id the answer leaves out (unknown, or dropped by a partial result) is an error beside data.
  for (const auto& id : ids) {
    bool found = false;
    for (const auto& m : answer.result.metrics) found = found || m.tweet_id == id;
    if (!found) errors.push_back(not_found_error(id));
  }
  nlohmann::json body = nlohmann::json::object();
  if (!data.empty()) body["data"] = std::move(data);
  if (!errors.empty()) body["errors"] = std::move(errors);
  x_reply(req, respond, kTweetsLookup, {}, answer.result.status, std::move(body), answer.latency);
}

void MockDaemon::Impl::x_engagers(const HttpRequest& req, const std::string& tweet_id, engine::EngagementKind kind,
                                  const Respond& respond) {
  const auto target = target_of(req);
  const char* endpoint = kind == engine::EngagementKind::like      ? kLikingUsers
                         : kind == engine::EngagementKind::retweet ? kRetweetedBy
                                                                   : kQuoteTweets;
  // liking_users and retweeted_by default to 100 a page, quote_tweets to 10.
  const auto max_results = max_results_param(target, kind == engine::EngagementKind::quote ? 10 : 100);
  if (!max_results)
    return x_reply(req, respond, endpoint, {},
                   problems::invalid_request("The `max_results` query parameter value is not a number."), {},
                   engine::Duration(0));
  engine::EngagersRequest er{tweet_id, kind, live::query_param(target, "pagination_token"), *max_results};
  auto answer = twitter.list_engagers(er);
  nlohmann::json data = nlohmann::json::array();
  for (const auto& user : answer.result.user_ids) {
    if (kind == engine::EngagementKind::quote) data.push_back(engagement_tweet_json(tweet_id, user, kind));
    else data.push_back({{"id", user}, {"username", user}});
  }
  x_reply(req, respond, endpoint, {}, answer.result.status, page_json(std::move(data), answer.result.next_token),
          answer.latency);
}

}  // namespace clsim::mocks
