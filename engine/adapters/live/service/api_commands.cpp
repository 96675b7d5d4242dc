// The API's commands: read the body strictly, ask the engine, answer with the
// status the refusal calls for (400 invalid, 404 unknown, 409 refused by the rules,
// 503 the store could not take it).
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/adapters/live/service/api.hpp"

namespace clsim::live {

namespace {

constexpr int kStoreRetriesMax = 6;  // 20 ms doubling: about 1.3 s in all
constexpr auto kStoreRetryFirst = std::chrono::milliseconds(20);

HttpResponse bad(const HttpRequest& req, const BadField& b) {
  return error_response(req, http::status::bad_request, b.message, b.field);
}

// The body as an object, or the 400 already sent.
std::optional<nlohmann::json> body_of(const HttpRequest& req, const Respond& respond) {
  auto parsed = parse_object(req.body());
  if (auto* b = std::get_if<BadField>(&parsed)) {
    respond(bad(req, *b));
    return std::nullopt;
  }
  return std::get<nlohmann::json>(std::move(parsed));
}

// One field of the body read by `read`, or the 400 already sent.
template <class T>
std::optional<T> field(const HttpRequest& req, const Respond& respond, Parsed<T> parsed) {
  if (auto* b = std::get_if<BadField>(&parsed)) {
    respond(bad(req, *b));
    return std::nullopt;
  }
  return std::get<T>(std::move(parsed));
}

}  // namespace

void Api::command(const char* name, Call call, Done done, int attempt) {
  engine::CommandResult r = call();
  if (r.refusal == engine::Refusal::unavailable && attempt < kStoreRetriesMax) {
    // Nothing was written; the store may be busy with another process for a moment.
    auto timer = std::make_shared<boost::asio::steady_timer>(ctx_.io, kStoreRetryFirst * (1 << attempt));
    timer->async_wait([this, timer, name, call = std::move(call), done = std::move(done), attempt](
                          boost::system::error_code ec) mutable {
      if (!ec) command(name, std::move(call), std::move(done), attempt + 1);
    });
    return;
  }
  ctx_.metrics.add("clsim_commands_total", {{"command", name}, {"result", engine::to_string(r.refusal)}});
  done(r);
}

void Api::refused(const HttpRequest& req, const engine::CommandResult& r, const Respond& respond) {
  switch (r.refusal) {
    case engine::Refusal::invalid:
      return respond(error_response(req, http::status::bad_request, r.reason, field_of_reason(r.reason)));
    case engine::Refusal::unknown: return respond(error_response(req, http::status::not_found, r.reason));
    case engine::Refusal::unavailable: {
      auto res = error_response(req, http::status::service_unavailable, r.reason);
      res.set(http::field::retry_after, "1");
      return respond(std::move(res));
    }
    default: return respond(error_response(req, http::status::conflict, r.reason));
  }
}

void Api::create_campaign(const HttpRequest& req, const Respond& respond) {
  auto body = body_of(req, respond);
  if (!body) return;
  auto spec = field(req, respond, campaign_spec(*body));
  if (!spec) return;
  command("create", [this, spec = *spec] { return ctx_.engine.create(spec); },
          [this, req, respond](const engine::CommandResult& r) {
            if (!r.ok) return refused(req, r, respond);
            respond(json_response(req, http::status::created, {{"id", r.id}}));
          });
}

// The campaign's owner, for a command that defaults `by` to it; nullopt after a 404/503.
std::optional<std::string> Api::owner_of(const HttpRequest& req, const std::string& id, const Respond& respond) {
  auto c = ctx_.reader.campaign(id);
  if (!store_answered(req, respond)) return std::nullopt;
  if (!c) {
    respond(error_response(req, http::status::not_found, "unknown campaign " + id));
    return std::nullopt;
  }
  return c->owner;
}

void Api::update_campaign(const HttpRequest& req, const std::string& id, const Respond& respond) {
  auto body = body_of(req, respond);
  if (!body) return;
  auto u = field(req, respond, update_request(*body));
  if (!u) return;
  std::string by;
  if (u->by) {
    by = *u->by;
  } else if (auto owner = owner_of(req, id, respond)) {
    by = *owner;
  } else {
    return;
  }
  command("update", [this, id, change = u->change, by] { return ctx_.engine.update(id, change, by); },
          [this, req, respond, id](const engine::CommandResult& r) {
            if (!r.ok) return refused(req, r, respond);
            get_campaign(req, id, respond);
          });
}

void Api::publish_campaign(const HttpRequest& req, const std::string& id, const Respond& respond) {
  auto body = body_of(req, respond);
  if (!body) return;
  auto by_opt = field(req, respond, by_field(*body));
  if (!by_opt) return;
  std::string by;
  if (*by_opt) {
    by = **by_opt;
  } else if (auto owner = owner_of(req, id, respond)) {
    by = *owner;
  } else {
    return;
  }
  command("publish", [this, id, by] { return ctx_.engine.publish(id, by); },
          [req, respond, id, this](const engine::CommandResult& r) {
            if (!r.ok) return refused(req, r, respond);
            respond(json_response(req, http::status::accepted, {{"id", id}, {"state", "PUBLISHING"}}));
          });
}

void Api::claim_reward(const HttpRequest& req, const std::string& id, const Respond& respond) {
  auto body = body_of(req, respond);
  if (!body) return;
  auto user = field(req, respond, user_id_field(*body));
  if (!user) return;
  command("claim", [this, id, user = *user] { return ctx_.engine.claim(id, user); },
          [this, req, respond, id, user = *user](const engine::CommandResult& r) {
            if (!r.ok) return refused(req, r, respond);
            std::int64_t amount = 0;
            for (const auto& rw : ctx_.reader.reward_records(id))
              if (rw.user == user) amount = rw.amount.minor;
            respond(json_response(req, http::status::ok, {{"amount", amount}, {"status", "claiming"}}));
          });
}

void Api::create_rule_campaign(const HttpRequest& req, const Respond& respond) {
  auto body = body_of(req, respond);
  if (!body) return;
  auto spec = field(req, respond, rule_campaign_spec(*body));
  if (!spec) return;
  command("create_rule_campaign", [this, spec = *spec] { return ctx_.engine.create_rule_campaign(spec); },
          [this, req, respond](const engine::CommandResult& r) {
            if (!r.ok) return refused(req, r, respond);
            respond(json_response(req, http::status::created, {{"id", r.id}}));
          });
}

void Api::take_event(const HttpRequest& req, const Respond& respond) {
  auto body = body_of(req, respond);
  if (!body) return;
  auto ev = field(req, respond, customer_event(*body));
  if (!ev) return;
  queued_events_.push_back(QueuedEvent{std::move(*ev), req, respond});
  if (queued_events_.size() == 1) boost::asio::post(ctx_.io, [this] { flush_events({}, 0); });
}

void Api::flush_events(std::vector<QueuedEvent> batch, int attempt) {
  if (batch.empty()) batch.swap(queued_events_);
  std::vector<engine::CustomerEvent> events;
  for (const auto& q : batch) events.push_back(q.event);
  const auto results = ctx_.engine.customer_events(events);
  bool unavailable = false;
  for (const auto& r : results) unavailable = unavailable || r.refusal == engine::Refusal::unavailable;
  if (unavailable && attempt < kStoreRetriesMax) {
    // Nothing was written (a batch is one transaction); the store may be busy with another process.
    auto timer = std::make_shared<boost::asio::steady_timer>(ctx_.io, kStoreRetryFirst * (1 << attempt));
    timer->async_wait([this, timer, batch = std::move(batch), attempt](boost::system::error_code ec) mutable {
      if (!ec) flush_events(std::move(batch), attempt + 1);
    });
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& r = results[i];
    const auto& [ev, req, respond] = batch[i];
    ctx_.metrics.add("clsim_commands_total", {{"command", "customer_event"}, {"result", engine::to_string(r.refusal)}});
    if (!r.ok) {
      refused(req, r, respond);
      continue;
    }
    // The engine accepts a repeated id once and queues nothing (CONTRACTS: "duplicate event ...").
    if (r.reason.rfind("duplicate event", 0) == 0)
      respond(json_response(req, http::status::ok, {{"event_id", ev.id}, {"duplicate", true}}));
    else
      respond(json_response(req, http::status::accepted, {{"event_id", ev.id}}));
  }
}

void Api::redrive(const HttpRequest& req, const std::string& event_id, const Respond& respond) {
  command("redrive", [this, event_id] { return ctx_.engine.redrive(event_id); },
          [this, req, respond, event_id](const engine::CommandResult& r) {
            if (!r.ok) return refused(req, r, respond);
            respond(json_response(req, http::status::accepted, {{"event_id", event_id}}));
          });
}

}  // namespace clsim::live
