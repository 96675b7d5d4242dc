// The engine's insides: one class whose methods are spread over a few files by
// concern (commands, publish saga, close/claim/expiry, polling, timers, messaging).
// Every entry point runs on the Clock's executor; SQLite transactions are short
// and never span an outside call; every outside effect is idempotent.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.hpp"
#include "engine/saga/call_env.hpp"
#include "engine/saga/ledger_call.hpp"
#include "engine/saga/tweet_call.hpp"
#include "engine/store/campaign_repo.hpp"
#include "engine/store/sqlite_db.hpp"

namespace clsim::engine {

// Saga steps as stored in campaigns.step. Publish steps are driven by their bus
// messages; the others by the engine itself; all have a durable resume timer.
namespace step {
inline constexpr const char* kFirstTweet = "first_tweet";
inline constexpr const char* kContract = "contract";
inline constexpr const char* kSecondTweet = "second_tweet";
inline constexpr const char* kCloseRefund = "close";       // refund the unused budget at close
inline constexpr const char* kFailRefund = "fail_refund";  // give the escrow back after a failed publish
inline constexpr const char* kReturn = "return";           // return unclaimed rewards at expiry
}  // namespace step

// Durable timer kinds (timers.kind); claims use "claim:<user>".
namespace timer_kind {
inline constexpr const char* kClose = "close";
inline constexpr const char* kPoll = "poll";
inline constexpr const char* kExpiry = "expiry";
inline constexpr const char* kResume = "resume";
inline constexpr const char* kClaimPrefix = "claim:";
}  // namespace timer_kind

inline constexpr const char* kEventStream = "campaign-events";
inline constexpr const char* kConsumerGroup = "campaign-engine";
inline constexpr const char* kPollTimerCampaign = "*";

// What a committed transaction does next: notify, trace, (re)schedule timers, relay.
struct TxEffects {
  std::vector<StateUpdate> updates;
  std::vector<std::pair<std::string, nlohmann::json>> traces;
  std::vector<std::tuple<std::string, std::string, std::int64_t>> armed;  // campaign, kind, due_us
  std::vector<std::pair<std::string, std::string>> disarmed;
  bool outbox = false;
  std::vector<CaptureRecord> captured;  // outcomes for the capture sink, once committed
};

struct TxScope {
  SqliteDb& db;
  TxEffects fx;
};

struct TxOutcome {
  bool ok = false;
  bool store_error = false;
  std::string reason;
};

class PollRun;

class EngineImpl {
 public:
  EngineImpl(EnginePorts ports, EngineOptions options);
  ~EngineImpl();

  void start();
  CommandResult create(const CampaignSpec& spec);
  CommandResult update(const std::string& id, const CampaignUpdate& change, const std::string& by);
  CommandResult publish(const std::string& id, const std::string& by);
  CommandResult claim(const std::string& id, const std::string& user);
  std::vector<StateUpdate> updates_since(const std::string& id, std::int64_t seq);
  Health health();
  // --- rule campaigns (engine/rules/)
  CommandResult create_rule_campaign(const RuleCampaignSpec& spec);
  CommandResult customer_event(const CustomerEvent& event);
  CommandResult redrive(const std::string& event_id);
  // --- capture (engine/messaging/capture_records.cpp): a command as received.
  // Outcomes a command commits are held until the command's own record is out, so
  // a log reads request before result.
  void begin_command() { in_command_ = true; }
  void capture_command(CaptureRecord record);
  void capture_outcomes(std::vector<CaptureRecord>& records);

 private:
  // --- rule campaigns (engine/rules/): bus delivery, matching, payment, retries, funding, end
  void rule_delivery(const BusDelivery& d);
  bool rule_process(const std::string& event_id);
  void rule_pay_next(const std::string& event_id);
  void rule_event_failed(const std::string& event_id, const std::string& why);
  void rule_timer(const std::string& id, const std::string& kind);
  void rule_fund(const std::string& campaign);
  void rule_end(const std::string& campaign);
  void rule_refund(const std::string& campaign);
  std::set<std::string> rule_busy_;  // events and campaigns with a ledger call in flight here

  // --- plumbing (engine_impl.cpp)
  template <class F>
  TxOutcome run_tx(F&& body);
  void apply(TxEffects& fx);
  void open_store();
  void tick();
  CallEnv env();
  // Wraps a callback so it is dropped once this engine is gone.
  template <class F>
  auto guarded(F f) {
    return [w = std::weak_ptr<void>(alive_), f = std::move(f)](auto&&... args) mutable {
      if (!w.expired()) f(std::forward<decltype(args)>(args)...);
    };
  }
  void later(Duration d, std::string label, std::function<void()> fn, TimerKind kind = TimerKind::foreground);
  void move(TxScope& s, CampaignRow& row, CampaignState to, const std::string& reason);
  void persist(TxScope& s, const CampaignRow& row, bool notify);
  void emit(TxScope& s, const std::string& campaign, const std::string& type, const std::string& event_id,
            nlohmann::json payload = nlohmann::json::object());
  void inbox_record(TxScope& s, const std::string& event_id, const std::string& type);
  bool inbox_has(const std::string& event_id);
  // A transaction id unique across every engine sharing the store: valid start is
  // now, or one microsecond past the last id handed out. Inside a transaction.
  TransactionId allocate_tx_id(SqliteDb& db);
  using TxIdStore = std::function<std::string(TxScope&, const TransactionId&)>;
  // Stores `given` (or a newly allocated id) through `store` in one transaction.
  std::optional<TransactionId> save_tx_id(const TxIdStore& store, std::optional<TransactionId> given);
  // Fills spec.allocate_id / spec.persist_id from `store`; fresh-id mode stores nothing.
  void bind_tx_id_store(LedgerCallSpec& spec, const TxIdStore& store);
  // One engine at a time owns a payment (keyed by its memo): a row in
  // payment_leases (engine/saga/payment_lease.cpp). Taking it renews it.
  bool take_payment_lease(SqliteDb& db, const std::string& memo);
  // `store`, refusing ("lease_lost") unless this engine owns the payment.
  TxIdStore leased_store(const std::string& memo, TxIdStore store);
  // bind_tx_id_store through leased_store, plus spec.hold / spec.release.
  void bind_payment_lease(LedgerCallSpec& spec, const TxIdStore& store);

  // --- durable timers (timers.cpp)
  void arm(TxScope& s, const std::string& campaign, const std::string& kind, TimePoint due);
  void arm_if_absent(TxScope& s, const std::string& campaign, const std::string& kind, TimePoint due);
  void disarm(TxScope& s, const std::string& campaign, const std::string& kind);
  void load_timers(bool at_start);
  void schedule_timer(const std::string& campaign, const std::string& kind, std::int64_t due_us);
  void unschedule_timer(const std::string& campaign, const std::string& kind);
  void on_timer(const std::string& campaign, const std::string& kind, std::int64_t due_us);
  void dispatch_timer(const std::string& campaign, const std::string& kind);

  // --- messaging (messaging.cpp)
  void kick_relay();
  void relay_next();
  void on_delivery(const BusDelivery& d);
  void ack(const std::string& entry_id);

  // --- steps (saga.cpp, close.cpp)
  void run_step(const std::string& campaign, const std::string& step, std::optional<std::string> entry);
  void finish_step(const std::string& campaign, const std::string& step, bool ack_waiting);
  void retry_step_later(const std::string& campaign, const std::string& step);
  void tweet_step(const CampaignRow& row, int n);
  void tweet_done(const std::string& campaign, int n, const TweetOutcome& out);
  void contract_step(const CampaignRow& row);
  void contract_done(const std::string& campaign, const LedgerOutcome& out);
  void fail_publish(TxScope& s, CampaignRow& row, const std::string& reason, const std::string& inbox_event);
  void redo_contract_unguarded(const std::string& campaign);
  void transfer_step(const CampaignRow& row, const std::string& step);
  void transfer_done(const std::string& campaign, const std::string& step, const LedgerOutcome& out);

  // --- running, close, claim, expiry (close.cpp, claim.cpp, polling.cpp)
  void begin_close(const std::string& campaign, int attempt);
  void finish_close(const std::string& campaign);
  void begin_expiry(const std::string& campaign);
  void run_claim(const std::string& campaign, const std::string& user, bool recovering);
  void claim_done(const std::string& campaign, const std::string& user, const LedgerOutcome& out);
  void poll_round();
  struct PollTarget {
    std::string campaign, tweet_id, owner;
  };
  struct PollEnd {
    bool ok = true;
    std::optional<TimePoint> rate_limited_until;
  };
  void sync_engagements(std::vector<PollTarget> targets, std::function<void(PollEnd)> done);

  Clock& clock_;
  Random& random_;
  Hooks& hooks_;
  Social& social_;
  Ledger& ledger_;
  Bus& bus_;
  Notifier& notifier_;
  Storage& storage_;
  EngineOptions options_;
  std::uint64_t captured_commands_ = 0;
  bool in_command_ = false;
  std::vector<CaptureRecord> held_outcomes_;

  std::shared_ptr<char> alive_ = std::make_shared<char>(0);
  std::unique_ptr<SqliteDb> db_;
  int open_attempts_ = 0;
  bool started_ = false;
  bool store_ok_ = false;
  bool bus_ok_ = true;
  Duration timer_lag_max_{};
  TimePoint heartbeat_at_{};

  // Clock timers standing for durable timers, by (campaign, kind).
  struct Scheduled {
    TimerId clock_id = 0;
    std::int64_t due_us = 0;
  };
  std::map<std::pair<std::string, std::string>, Scheduled> scheduled_;
  std::set<std::pair<std::string, std::string>> loaded_at_start_;
  // The timers table as this engine knows it (load_timers): due per row, and the
  // rows in sweep order.
  void mirror_timer(const std::string& campaign, const std::string& kind, std::optional<std::int64_t> due_us);
  std::map<std::pair<std::string, std::string>, std::int64_t> timer_rows_;
  std::set<std::tuple<std::int64_t, std::string, std::string>> timer_order_;
  std::uint64_t sweeps_ = 0;
  std::int64_t timers_seen_ = -1;  // the highest timers.changed a sweep has read

  bool relay_busy_ = false;
  int relay_attempt_ = 0;
  bool relay_retry_pending_ = false;

  // In-flight guards: a step or claim being worked on by this engine, and the bus
  // entries waiting for it to finish before they are acked.
  std::map<std::string, std::vector<std::string>> inflight_;
  std::set<std::string> closing_;
  bool polling_ = false;

  friend class PollRun;
};

// Runs `body(scope)` in one BEGIN IMMEDIATE transaction. The body returns "" to
// commit or a refusal to roll back; a SQLite failure rolls back and comes back as
// a store error. Effects (notifications, timers, relay) happen only after COMMIT.
template <class F>
TxOutcome EngineImpl::run_tx(F&& body) {
  if (!db_) return TxOutcome{false, true, "store: not open"};
  TxScope scope{*db_, {}};
  try {
    Transaction tx(*db_);
    std::string refusal = body(scope);
    if (!refusal.empty()) return TxOutcome{false, false, std::move(refusal)};
    tx.commit();
  } catch (const StoreError& e) {
    store_ok_ = false;
    hooks_.trace("store_error", {{"engine", options_.name}, {"reason", e.message}});
    return TxOutcome{false, true, e.message};
  }
  store_ok_ = true;
  apply(scope.fx);
  return TxOutcome{true, false, {}};
}

}  // namespace clsim::engine
