#include "engine/adapters/live/x/x_answers.hpp"

#include <charconv>
#include <optional>

#include <nlohmann/json.hpp>

namespace clsim::live::x {

namespace {

using nlohmann::json;

std::optional<std::int64_t> header_int(const HttpResult& r, const char* name) {
  const auto it = r.headers.find(name);
  if (it == r.headers.end()) return std::nullopt;
  std::int64_t v = 0;
  const auto& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string string_field(const json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The RFC 7807 fields, or the older {"errors":[{"title"?,"message"}]} shape.
void read_problem(const std::string& body, engine::ApiStatus& s) {
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_object()) {
    s.title = string_field(doc, "title");
    s.detail = string_field(doc, "detail");
    const auto errors = doc.find("errors");
    if (s.title.empty() && s.detail.empty() && errors != doc.end() && errors->is_array() && !errors->empty() &&
        errors->front().is_object()) {
      s.title = string_field(errors->front(), "title");
      s.detail = string_field(errors->front(), "message");
    }
  }
  if (s.title.empty()) s.title = std::string(http_reason(s.http));
  if (s.detail.empty()) s.detail = s.title;
}

// A 2xx whose body does not say what the call needs: X (or a proxy) misbehaved.
// 502 so the engine treats it as a server failure; a post may still have happened.
template <class Result>
Result malformed(Result out, const std::string& what) {
  out.status.http = 502;
  out.status.title = "Bad Gateway";
  out.status.detail = "malformed answer: " + what;
  return out;
}

// The body as a JSON object, or nullopt.
std::optional<json> object_body(const HttpResult& r) {
  json doc = json::parse(r.body, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  return doc;
}

// `data` as an array; absent means none (X omits it when nothing matched).
std::optional<json> data_array(const json& doc) {
  const auto it = doc.find("data");
  if (it == doc.end()) return json::array();
  if (!it->is_array()) return std::nullopt;
  return *it;
}

bool is_id(const json& v) { return v.is_string() && !v.get_ref<const std::string&>().empty(); }

std::optional<engine::Tweet> read_tweet(const json& t) {
  if (!t.is_object() || !t.contains("id") || !is_id(t["id"]) || !t.contains("text") || !t["text"].is_string())
    return std::nullopt;
  engine::Tweet tweet;
  tweet.id = t["id"].get<std::string>();
  tweet.text = t["text"].get<std::string>();
  tweet.author = string_field(t, "author_id");
  const auto refs = t.find("referenced_tweets");
  if (refs != t.end()) {
    if (!refs->is_array()) return std::nullopt;
    for (const auto& ref : *refs) {
      if (!ref.is_object() || string_field(ref, "type") != "replied_to") continue;
      if (!ref.contains("id") || !is_id(ref["id"])) return std::nullopt;
      tweet.in_reply_to = ref["id"].get<std::string>();
    }
  }
  return tweet;
}

}  // namespace

engine::ApiStatus status_of(const HttpResult& r) {
  engine::ApiStatus s;
  s.http = r.status;
  if (auto v = header_int(r, "x-rate-limit-limit")) s.rate_limit_limit = *v;
  if (auto v = header_int(r, "x-rate-limit-remaining")) s.rate_limit_remaining = *v;
  if (auto v = header_int(r, "x-rate-limit-reset")) s.rate_limit_reset = engine::from_us(*v * 1'000'000);
  if (r.status == 0) {
    s.detail = r.error;
  } else if (!s.ok()) {
    read_problem(r.body, s);
  }
  return s;
}

engine::PostTweetResult post_answer(const HttpResult& r, const engine::PostTweetRequest& req) {
  engine::PostTweetResult out;
  out.status = status_of(r);
  if (!out.status.ok()) return out;
  const auto doc = object_body(r);
  if (!doc) return malformed(out, "the body is not a JSON object");
  const auto data = doc->find("data");
  if (data == doc->end() || !data->is_object() || !data->contains("id") || !is_id((*data)["id"]))
    return malformed(out, "no data.id");
  out.tweet.id = (*data)["id"].get<std::string>();
  const std::string text = string_field(*data, "text");
  out.tweet.text = text.empty() ? req.text : text;
  out.tweet.author = req.account;
  out.tweet.in_reply_to = req.in_reply_to;
  return out;
}

engine::SearchResult search_answer(const HttpResult& r) {
  engine::SearchResult out;
  out.status = status_of(r);
  if (!out.status.ok()) return out;
  const auto doc = object_body(r);
  if (!doc) return malformed(out, "the body is not a JSON object");
  const auto data = data_array(*doc);
  if (!data) return malformed(out, "data is not an array");
  for (const auto& t : *data) {
    auto tweet = read_tweet(t);
    if (!tweet) return malformed(engine::SearchResult{out.status, {}}, "a tweet without id and text");
    out.tweets.push_back(std::move(*tweet));
  }
  return out;
}

engine::MetricsResult metrics_answer(const HttpResult& r) {
  engine::MetricsResult out;
  out.status = status_of(r);
  if (!out.status.ok()) return out;
  const auto doc = object_body(r);
  if (!doc) return malformed(out, "the body is not a JSON object");
  const auto data = data_array(*doc);  // ids X could not return are in errors[]: not ours to judge
  if (!data) return malformed(out, "data is not an array");
  for (const auto& t : *data) {
    if (!t.is_object() || !t.contains("id") || !is_id(t["id"]) || !t.contains("public_metrics") ||
        !t["public_metrics"].is_object())
      return malformed(engine::MetricsResult{out.status, {}}, "a tweet without id and public_metrics");
    const auto& pm = t["public_metrics"];
    engine::TweetMetrics m;
    m.tweet_id = t["id"].get<std::string>();
    std::int64_t* counts[] = {&m.like_count, &m.retweet_count, &m.quote_count, &m.reply_count};
    const char* names[] = {"like_count", "retweet_count", "quote_count", "reply_count"};
    for (int i = 0; i < 4; ++i) {
      // Counts decide payments: a missing or fractional one is an error, never 0.
      if (!pm.contains(names[i]) || !pm[names[i]].is_number_integer())
        return malformed(engine::MetricsResult{out.status, {}}, std::string("public_metrics.") + names[i] +
                                                                     " is not an integer");
      *counts[i] = pm[names[i]].get<std::int64_t>();
    }
    out.metrics.push_back(m);
  }
  return out;
}

engine::EngagersPage engagers_answer(const HttpResult& r, engine::EngagementKind kind, const std::string& root_id) {
  engine::EngagersPage out;
  out.status = status_of(r);
  if (!out.status.ok()) return out;
  const auto doc = object_body(r);
  if (!doc) return malformed(out, "the body is not a JSON object");
  const auto data = data_array(*doc);
  if (!data) return malformed(out, "data is not an array");
  // Likes and retweets list users; quotes and replies list tweets, whose author engaged.
  const bool tweets = kind == engine::EngagementKind::quote || kind == engine::EngagementKind::reply;
  const char* user_field = tweets ? "author_id" : "id";
  for (const auto& item : *data) {
    if (!item.is_object() || !item.contains(user_field) || !is_id(item[user_field]))
      return malformed(engine::EngagersPage{out.status, {}, {}}, std::string("an entry without ") + user_field);
    if (kind == engine::EngagementKind::reply && string_field(item, "id") == root_id) continue;
    out.user_ids.push_back(item[user_field].get<std::string>());
  }
  const auto meta = doc->find("meta");
  if (meta != doc->end() && meta->is_object()) {
    const std::string token = string_field(*meta, "next_token");
    if (!token.empty()) out.next_token = token;
  }
  return out;
}

}  // namespace clsim::live::x
