// The Social port on the real X API v2 (or mockd speaking it): each port call is
// one HTTP request as docs/LIVE.md lists, and the answer becomes the same result
// the simulated adapter (mocks/twitter/) gives for that outcome: http 0 when no
// answer came within the deadline, RFC 7807 title/detail otherwise, and the
// x-rate-limit-* headers passed up on every answer that carries them.
//
// Auth: a post uses the posting account's user-context token; a search uses the
// app token, else that account's user token; metric lookups and engager lists name
// no account, so they need the app token. A call without a token completes with a
// 401 without sending anything. Tokens go only into the Authorization header:
// never into a log, an error text or a metric label.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engine/adapters/live/http/http_client.hpp"
#include "engine/core/time.hpp"
#include "engine/ports/social.hpp"

namespace clsim::live {


// base_url: "https://api.x.com", or mockd's "http://127.0.0.1:PORT".
struct XApiOptions : ServiceEndpoint {
  std::string app_token;  // app-only bearer for metrics and engager lists (required for them)
  // The posting account's user-context token (X posts only with user-context auth); nullopt = none.
  std::function<std::optional<std::string>(const std::string& account)> user_token;
};

class XApiSocial final : public engine::Social {
 public:
  // Throws std::invalid_argument on a bad base_url (or an unreadable ca_file).
  XApiSocial(boost::asio::io_context& io, XApiOptions options);
  ~XApiSocial() override;
  XApiSocial(const XApiSocial&) = delete;
  XApiSocial& operator=(const XApiSocial&) = delete;

  void post_tweet(engine::PostTweetRequest req, std::function<void(engine::PostTweetResult)> done) override;
  void search_recent(engine::SearchRequest req, std::function<void(engine::SearchResult)> done) override;
  void lookup_metrics(std::vector<std::string> tweet_ids, std::function<void(engine::MetricsResult)> done) override;
  void list_engagers(engine::EngagersRequest req, std::function<void(engine::EngagersPage)> done) override;

 private:
  std::optional<std::string> user_token(const std::string& account) const;
  // Completes `done` with a 401 on the io_context, sending nothing.
  template <class Result>
  void refuse(std::function<void(Result)> done, std::string detail);

  boost::asio::io_context& io_;
  XApiOptions options_;
  std::unique_ptr<HttpClient> http_;
  std::shared_ptr<bool> alive_;  // completions posted by refuse() check it
};

}  // namespace clsim::live
