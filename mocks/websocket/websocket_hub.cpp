#include "mocks/websocket/websocket_hub.hpp"

#include <algorithm>

#include "engine/core/distributions.hpp"

namespace clsim::mocks {

using engine::Duration;
using engine::StateUpdate;

WebSocketHub::WebSocketHub(engine::Clock& world_clock, engine::Random& random, FaultCounter& counter,
                           WebSocketOptions options)
    : clock_(world_clock), random_(random), counter_(counter), options_(options) {}

std::string WebSocketHub::check_faults(const nlohmann::json& table) const {
  WebSocketFaultConfig scratch = faults;
  return merge_websocket_faults(scratch, table);
}

void WebSocketHub::merge_faults(const nlohmann::json& table) { merge_websocket_faults(faults, table); }

engine::TimerId WebSocketHub::after(Duration delay, const char* label, std::function<void()> fn) {
  std::weak_ptr<int> alive = alive_;
  return clock_.start_wait(delay, engine::TimerKind::foreground, label,
                           [alive, fn = std::move(fn)](boost::system::error_code ec) {
                             if (!ec && !alive.expired()) fn();
                           });
}

WebSocketHub::ClientId WebSocketHub::add_client() {
  clients_.emplace_back();
  return clients_.size() - 1;
}

void WebSocketHub::subscribe(ClientId id, const std::string& campaign_id) {
  Client& c = clients_.at(id);
  c.campaigns.insert(campaign_id);
  c.views.try_emplace(campaign_id);
  // A failed first fetch (the store read failed) must not leave the client waiting
  // for an update that was already published: retry later, as a dashboard would.
  if (c.connected && !resync(id, campaign_id) && c.behind.count(campaign_id)) schedule_resync_retry(id, campaign_id);
}

void WebSocketHub::publish(const StateUpdate& update) {
  // A re-send after a crash is fine; the same number for another state is not.
  const auto [first, fresh] = sent_.try_emplace({update.campaign_id, update.seq}, update.state);
  if (!fresh && first->second != update.state)
    seq_conflicts_.push_back(update.campaign_id + " seq " + std::to_string(update.seq) + " was sent as " +
                             first->second + " and as " + update.state);
  auto known = latest_.find(update.campaign_id);
  if (known == latest_.end()) latest_.emplace(update.campaign_id, update);
  else if (update.seq >= known->second.seq) known->second = update;

  static constexpr CloseCode kDropCodes[] = {CloseCode::going_away, CloseCode::abnormal, CloseCode::service_restart};
  for (ClientId id = 0; id < clients_.size(); ++id) {
    const Client& c = clients_[id];
    if (!c.connected || !c.campaigns.count(update.campaign_id)) continue;
    if (counter_.decide(random_, faults.disconnect_rate,
                        [&] { return FaultCounter::Call{"websocket_disconnect", client_subject(id)}; })) {
      disconnect(id, kDropCodes[engine::choice(random_, 3)]);  // the message dies with the connection
      continue;
    }
    enqueue(id, update);
  }
}

// Bounded: a client whose queue is full is cut off rather than buffered without limit.
void WebSocketHub::enqueue(ClientId id, const StateUpdate& update) {
  Client& c = clients_[id];
  if (c.queue.size() >= options_.queue_max) {
    counter_.add("websocket_slow_drop");
    ++c.stats.slow_drops;
    close(id, CloseCode::policy_violation);
    return;
  }
  const auto ready = clock_.now() + options_.latency;
  c.queue.push_back(Queued{update, ready});
  c.stats.queue_peak = std::max(c.stats.queue_peak, c.queue.size());
  schedule_pump(id, ready);
}

void WebSocketHub::schedule_pump(ClientId id, engine::TimePoint at) {
  Client& c = clients_[id];
  if (c.pump) return;
  if (slow(id)) at = std::max(at, c.next_read_at);
  c.pump = after(at - clock_.now(), "ws:deliver", [this, id] {
    clients_[id].pump.reset();
    pump(id);
  });
}

void WebSocketHub::pump(ClientId id) {
  Client& c = clients_[id];
  if (!c.connected) return;
  const auto now = clock_.now();
  const bool is_slow = slow(id);
  while (!c.queue.empty() && c.queue.front().ready_at <= now) {
    StateUpdate u = std::move(c.queue.front().update);
    c.queue.pop_front();
    apply(id, u);
    if (is_slow) {
      c.next_read_at = now + options_.slow_read_interval;  // one message per read interval
      break;
    }
  }
  if (c.queue.empty() || !c.connected) return;
  schedule_pump(id, c.queue.front().ready_at);
}

void WebSocketHub::apply(ClientId id, const StateUpdate& u) {
  Client& c = clients_[id];
  ++c.stats.deliveries;
  ++deliveries_;
  if (!c.campaigns.count(u.campaign_id)) return;
  CampaignView& v = c.views[u.campaign_id];
  if (u.seq <= v.seq) return;  // old or duplicate
  if (u.seq > v.seq + 1) {
    ++c.stats.gaps;
    auto& target = c.behind[u.campaign_id];
    target = std::max(target, u.seq);
    resync(id, u.campaign_id);
  }
  if (u.seq == v.seq + 1) v = CampaignView{u.seq, u.state, u.view};
  auto b = c.behind.find(u.campaign_id);
  if (b == c.behind.end()) return;
  if (v.seq >= b->second) {
    c.behind.erase(b);
    c.resync_attempts.erase(u.campaign_id);
  } else {
    schedule_resync_retry(id, u.campaign_id);
  }
}

bool WebSocketHub::resync(ClientId id, const std::string& campaign_id) {
  Client& c = clients_[id];
  if (!resync_ || !c.connected) return false;
  ++c.stats.resyncs;
  CampaignView& v = c.views[campaign_id];
  auto missed = resync_(campaign_id, v.seq);
  std::stable_sort(missed.begin(), missed.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  for (const auto& u : missed)
    if (u.seq == v.seq + 1) v = CampaignView{u.seq, u.state, u.view};
  // The read can come back empty because it failed, not because nothing was missed:
  // the hub has seen newer updates, so the client is behind them until it has them.
  auto l = latest_.find(campaign_id);
  if (l != latest_.end() && l->second.seq > v.seq) {
    auto& target = c.behind[campaign_id];
    target = std::max(target, l->second.seq);
  }
  auto b = c.behind.find(campaign_id);
  if (b != c.behind.end() && v.seq < b->second) return false;
  if (b != c.behind.end()) c.behind.erase(b);
  c.resync_attempts.erase(campaign_id);
  return true;
}

// The engine could not fill the gap yet (it may be down): ask again later, a bounded
// number of times; the next update or reconnect tries again anyway.
void WebSocketHub::schedule_resync_retry(ClientId id, const std::string& campaign_id) {
  Client& c = clients_[id];
  const int attempt = ++c.resync_attempts[campaign_id];
  if (attempt > options_.resync_attempts_max) return;
  if (sometimes_) sometimes_("websocket_resync_retried");
  const Duration delay = engine::backoff_full_jitter(random_, options_.backoff_base, options_.backoff_cap, attempt);
  after(delay, "ws:resync", [this, id, campaign_id] {
    if (!clients_[id].connected || !clients_[id].behind.count(campaign_id)) return;
    if (!resync(id, campaign_id)) schedule_resync_retry(id, campaign_id);
  });
}

void WebSocketHub::disconnect(ClientId id, CloseCode code) {
  if (!clients_.at(id).connected) return;
  counter_.add("websocket_disconnect");
  close(id, code);
}

void WebSocketHub::close(ClientId id, CloseCode code) {
  Client& c = clients_[id];
  if (!c.connected) return;
  c.connected = false;
  c.queue.clear();  // what was in flight is lost; the resync after reconnect recovers it
  if (c.pump) {
    clock_.cancel(*c.pump);
    c.pump.reset();
  }
  ++c.stats.disconnects;
  c.stats.last_close = code;
  const Duration delay =
      engine::backoff_full_jitter(random_, options_.backoff_base, options_.backoff_cap, c.reconnect_attempt);
  after(delay, "ws:reconnect", [this, id] { reconnect(id); });
}

void WebSocketHub::reconnect(ClientId id) {
  Client& c = clients_[id];
  if (c.connected) return;
  if (c.reconnect_attempt < options_.reconnect_attempts_max &&
      counter_.decide(random_, faults.disconnect_rate,
                      [&] { return FaultCounter::Call{"websocket_reconnect_failed", client_subject(id)}; })) {
    ++c.stats.failed_reconnects;
    ++c.reconnect_attempt;
    const Duration delay =
        engine::backoff_full_jitter(random_, options_.backoff_base, options_.backoff_cap, c.reconnect_attempt);
    after(delay, "ws:reconnect", [this, id] { reconnect(id); });
    return;
  }
  c.connected = true;
  c.reconnect_attempt = 0;
  ++c.stats.reconnects;
  for (const auto& campaign_id : c.campaigns)
    if (!resync(id, campaign_id) && c.behind.count(campaign_id)) schedule_resync_retry(id, campaign_id);
}

std::vector<std::string> WebSocketHub::lagging_views() const {
  std::vector<std::string> out;
  for (ClientId id = 0; id < clients_.size(); ++id) {
    for (const auto& campaign_id : clients_[id].campaigns) {
      auto l = latest_.find(campaign_id);
      if (l == latest_.end()) continue;
      const std::int64_t have = clients_[id].views.at(campaign_id).seq;
      if (have != l->second.seq)
        out.push_back("client " + std::to_string(id) + " " + campaign_id + ": seq " + std::to_string(have) +
                      " != " + std::to_string(l->second.seq));
    }
  }
  return out;
}

}  // namespace clsim::mocks
