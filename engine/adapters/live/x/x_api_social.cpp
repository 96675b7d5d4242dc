#include "engine/adapters/live/x/x_api_social.hpp"

#include <stdexcept>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "engine/adapters/live/http/http_client.hpp"
#include "engine/adapters/live/http/url.hpp"
#include "engine/adapters/live/x/x_answers.hpp"

namespace clsim::live {

namespace {

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"authorization", "Bearer " + token}};
}

// The engine's texts come from campaigns and may hold invalid UTF-8: replace
// rather than throw out of a port call.
std::string dump(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct EngagerEndpoint {
  std::string target;  // with the query, before any page token
  const char* call;    // the metric's name: no ids
  const char* page_param;
};

EngagerEndpoint engager_endpoint(const engine::EngagersRequest& req) {
  const std::string id = url_encode(req.tweet_id);
  const std::string max = "max_results=" + std::to_string(req.max_results);
  switch (req.kind) {
    case engine::EngagementKind::like:
      return {"/2/tweets/" + id + "/liking_users?" + max, "GET /2/tweets/:id/liking_users", "pagination_token"};
    case engine::EngagementKind::retweet:
      return {"/2/tweets/" + id + "/retweeted_by?" + max, "GET /2/tweets/:id/retweeted_by", "pagination_token"};
    case engine::EngagementKind::quote:
      return {"/2/tweets/" + id + "/quote_tweets?" + max + "&tweet.fields=author_id", "GET /2/tweets/:id/quote_tweets",
              "pagination_token"};
    case engine::EngagementKind::reply:
      break;
  }
  return {"/2/tweets/search/recent?query=" + url_encode("conversation_id:" + req.tweet_id) + "&" + max +
              "&tweet.fields=author_id",
          "GET /2/tweets/search/recent", "next_token"};
}

}  // namespace

XApiSocial::XApiSocial(boost::asio::io_context& io, XApiOptions options)
    : io_(io), options_(std::move(options)), alive_(std::make_shared<bool>(true)) {
  http_ = client_for(io, options_, "x");
}

XApiSocial::~XApiSocial() { *alive_ = false; }

std::optional<std::string> XApiSocial::user_token(const std::string& account) const {
  if (!options_.user_token) return std::nullopt;
  auto token = options_.user_token(account);
  if (token && token->empty()) return std::nullopt;
  return token;
}

template <class Result>
void XApiSocial::refuse(std::function<void(Result)> done, std::string detail) {
  Result out;
  out.status.http = 401;
  out.status.title = "Unauthorized";
  out.status.detail = std::move(detail);
  boost::asio::post(io_, [alive = alive_, out = std::move(out), done = std::move(done)]() mutable {
    if (*alive) done(std::move(out));
  });
}

void XApiSocial::post_tweet(engine::PostTweetRequest req, std::function<void(engine::PostTweetResult)> done) {
  const auto token = user_token(req.account);
  if (!token) return refuse(std::move(done), "no user-context token for account '" + req.account + "'");
  nlohmann::json body = {{"text", req.text}};
  if (req.in_reply_to) body["reply"] = {{"in_reply_to_tweet_id", *req.in_reply_to}};
  http_->request("POST", "/2/tweets", bearer(*token), dump(body), "POST /2/tweets",
                 [req = std::move(req), done = std::move(done)](HttpResult r) { done(x::post_answer(r, req)); });
}

void XApiSocial::search_recent(engine::SearchRequest req, std::function<void(engine::SearchResult)> done) {
  auto token = options_.app_token.empty() ? user_token(req.account) : std::optional(options_.app_token);
  if (!token) return refuse(std::move(done), "no app token and no user token for account '" + req.account + "'");
  const std::string query = "from:" + req.account + " \"" + req.phrase + "\"";
  const std::string target = "/2/tweets/search/recent?query=" + url_encode(query) +
                             "&max_results=100&tweet.fields=author_id,referenced_tweets";
  http_->request("GET", target, bearer(*token), "", "GET /2/tweets/search/recent",
                 [done = std::move(done)](HttpResult r) { done(x::search_answer(r)); });
}

void XApiSocial::lookup_metrics(std::vector<std::string> tweet_ids, std::function<void(engine::MetricsResult)> done) {
  if (options_.app_token.empty()) return refuse(std::move(done), "no app token for reads");
  std::string ids;
  for (const auto& id : tweet_ids) ids += (ids.empty() ? "" : ",") + url_encode(id);
  http_->request("GET", "/2/tweets?ids=" + ids + "&tweet.fields=public_metrics", bearer(options_.app_token), "",
                 "GET /2/tweets", [done = std::move(done)](HttpResult r) { done(x::metrics_answer(r)); });
}

void XApiSocial::list_engagers(engine::EngagersRequest req, std::function<void(engine::EngagersPage)> done) {
  if (options_.app_token.empty()) return refuse(std::move(done), "no app token for reads");
  auto endpoint = engager_endpoint(req);
  if (req.pagination_token)
    endpoint.target += std::string("&") + endpoint.page_param + "=" + url_encode(*req.pagination_token);
  http_->request("GET", endpoint.target, bearer(options_.app_token), "", endpoint.call,
                 [kind = req.kind, root = req.tweet_id, done = std::move(done)](HttpResult r) {
                   done(x::engagers_answer(r, kind, root));
                 });
}

}  // namespace clsim::live
