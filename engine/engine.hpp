// The campaign lifecycle engine: commands, queries and recovery over its ports.
// One Engine is one process of the service; several may share a store and bus.
// Every method runs on the engine's executor thread (the Clock's); nothing blocks.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/money.hpp"
#include "engine/core/time.hpp"
#include "engine/ports/bus.hpp"
#include "engine/ports/capture.hpp"
#include "engine/ports/clock.hpp"
#include "engine/ports/hooks.hpp"
#include "engine/ports/ledger.hpp"
#include "engine/ports/notifier.hpp"
#include "engine/ports/random.hpp"
#include "engine/ports/social.hpp"
#include "engine/ports/storage.hpp"

namespace clsim::engine {

enum class CampaignState { CREATED, PUBLISHING, RUNNING, CLOSED, REWARD_CLAIM, EXPIRED, FAILED };
const char* to_string(CampaignState s);
std::optional<CampaignState> campaign_state_from(std::string_view name);

struct Rates {
  Money like, retweet, quote, reply;
  Money for_kind(EngagementKind k) const;
};

struct CampaignSpec {
  std::optional<std::string> id;  // "c-<n>" assigned when absent
  std::string owner;
  Money budget;
  Rates rates;
  Duration duration{};
  Duration claim_window{};
  std::string text;
};

struct CampaignUpdate {
  std::optional<std::string> text;
  std::optional<Rates> rates;
  std::optional<Duration> duration;
  std::optional<Duration> claim_window;
};

// Why a command was refused, so a front end can answer it fittingly (an HTTP API:
// 400, 404, 409, 503) without reading the reason's words.
enum class Refusal {
  none,         // accepted
  invalid,      // a field is malformed; the reason starts with the field's name
  unknown,      // no such campaign or event
  conflict,     // the engine's rules refuse it now (wrong state, owner, a second claim)
  unavailable,  // the store failed (busy, I/O, full): nothing was written; retry later
};
// "ok" (none), "invalid", "unknown", "conflict", "unavailable": a metric's result
// label, a capture's payload.refusal.
const char* to_string(Refusal r);

// A refusal is a value with a reason naming the field or rule, never an exception.
struct CommandResult {
  bool ok = false;
  std::string reason;
  std::string id;  // the campaign id, for create
  Refusal refusal = Refusal::none;
  static CommandResult success(std::string id = {}) { return {true, {}, std::move(id), Refusal::none}; }
  static CommandResult refused(std::string why, Refusal kind = Refusal::conflict) {
    return {false, std::move(why), {}, kind};
  }
};

// Deliberate bugs for proving the harness bites (docs/DESIGN.md). Off by default and
// recorded in every report.
struct Mutations {
  bool skip_inbox_dedup = false;
  bool skip_duplicate_tweet_check = false;
  bool pay_without_idempotent_id = false;
  bool any() const { return skip_inbox_dedup || skip_duplicate_tweet_check || pay_without_idempotent_id; }
  // The names of those turned on, as reports and --mutate spell them.
  std::vector<std::string> names() const {
    std::vector<std::string> n;
    if (skip_inbox_dedup) n.push_back("skip_inbox_dedup");
    if (skip_duplicate_tweet_check) n.push_back("skip_duplicate_tweet_check");
    if (pay_without_idempotent_id) n.push_back("pay_without_idempotent_id");
    return n;
  }
  // " --mutate NAME" for each: for repro commands.
  std::string flags() const {
    std::string f;
    for (const auto& name : names()) f += " --mutate " + name;
    return f;
  }
};

struct RetryPolicy {
  Duration base = Duration(500'000);
  Duration cap = Duration(60'000'000);
  int max_attempts = 12;
};

// Rule campaigns: a business's customer events earn rewards when they
// match a rule. A condition reads a dot path in the event payload.
struct RuleCondition {
  std::string field;  // "amount", "cart.total"
  std::string op;     // = != > >= < <= contains in
  nlohmann::json value;
};

struct Rule {
  std::string event_type;
  std::vector<RuleCondition> when;
  Money reward;
};

struct RuleCampaignSpec {
  std::optional<std::string> id;  // "r-<n>" assigned when absent
  std::string owner;
  Money budget;
  Duration duration{};
  std::vector<Rule> rules;
};

struct CustomerEvent {
  std::string id, type, user;
  nlohmann::json payload = nlohmann::json::object();
};

// Backoff for a customer event whose processing failed transiently: attempt n
// waits d = min(cap, base * factor^(n-1)), drawn uniform in [d/2, d] (rule_backoff.hpp);
// after max_attempts it is dead-lettered.
struct RuleRetryPolicy {
  Duration base = Duration(1'000'000);
  int factor = 2;
  Duration cap = Duration(60'000'000);
  int max_attempts = 5;
};

// How long the engine waits for and holds things. Today's values suit production;
// a live test on real time scales them down.
struct EngineDurations {
  // A saga step's (and a claim's) durable resume timer: it fires again this long
  // after each firing until the step is done, so an interrupted step is retried.
  Duration resume_after = Duration(60'000'000);
  // A fired one-shot timer (close, expiry, poll) belongs to the engine that took it
  // for this long; another engine sharing the store fires it only after that.
  Duration timer_lease = Duration(60'000'000);
  // A ledger payment's owner renews this at every step of its call (the longest
  // gap, waiting out a transaction's valid window, is about 150 s).
  Duration payment_lease = Duration(300'000'000);
  // A tweet step's owner renews this before every search and post; an engine that
  // crashed holding it keeps the step from the others this long.
  Duration tweet_lease = Duration(300'000'000);
  // Bus entries another consumer has held this long are claimed by the heartbeat;
  // at start, an engine takes back entries idle for `claim_stale_at_start`.
  Duration claim_stale = Duration(60'000'000);
  Duration claim_stale_at_start = Duration(5'000'000);
  // A ledger transaction's valid duration.
  Duration tx_valid = kTxValidDurationDefault;
  // A rule campaign past its end waits this long for events still queued for it
  // before it refunds what is left.
  Duration rule_end_grace = Duration(600'000'000);
  // How soon an expiry that found a claim in flight looks again.
  Duration expiry_recheck = Duration(5'000'000);
};

struct EngineOptions {
  std::string name = "engine-1"; // consumer name on the bus, lease owner for timers
  Mutations mutations;
  RetryPolicy retry;
  Duration poll_interval = Duration(300'000'000);  // 5 minutes
  Duration heartbeat_interval = Duration(30'000'000);
  // How old the heartbeat row may grow before a tick writes it again. Writing it at
  // every tick was the most of an idle engine's work (each write is a commit).
  Duration heartbeat_write_interval = Duration(300'000'000);  // 5 minutes
  // How long the rule worker gathers bus deliveries, and ledger answers, before
  // taking (recording) them in one transaction: group commit. Simultaneous events
  // run in any order, so a zero window would often catch one.
  Duration rule_batch_window = Duration(1'000);  // 1 ms
  std::string ledger_payer = "0.0.2";              // engine's operator account
  std::string treasury_account = "treasury";
  RuleRetryPolicy rule_retry;
  EngineDurations durations;
  // Optional: every command this engine receives and every outcome it commits,
  // in the capture format, for replaying an incident (must outlive the engine).
  CaptureSink* capture = nullptr;
  // Captured commands are numbered `<capture_id_prefix>:cmd-N` ("": the engine's
  // name). The counter lives in memory, so a service that appends to one log across
  // restarts gives each start a prefix of its own, or replay would take a restarted
  // process's commands for duplicates.
  std::string capture_id_prefix;
  // Also capture the commands the store could not take (Refusal::unavailable). A
  // service's capture leaves them out (its client retries them); the simulator's
  // keeps them, since their reads and writes count in its logged disk faults.
  bool capture_unavailable = false;
};

struct EnginePorts {
  Clock& clock;
  Random& random;
  Hooks& hooks;
  Social& social;
  Ledger& ledger;
  Bus& bus;
  Notifier& notifier;
  Storage& storage;
};

struct Health {
  bool store_ok = false;
  bool bus_ok = false;
  Duration timer_lag{};
  std::int64_t outbox_backlog = 0;
  TimePoint heartbeat_at{};
};

struct RewardView {
  std::string user;
  Money amount;
  std::string status;  // claimable | claimed | returned
};

class EngineImpl;

class Engine {
 public:
  Engine(EnginePorts ports, EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Opens the store, migrates, recovers durable timers, sagas, outbox and the
  // bus's pending entries, and starts the background loops.
  void start();

  CommandResult create(const CampaignSpec& spec);
  CommandResult update(const std::string& id, const CampaignUpdate& change, const std::string& by);
  CommandResult publish(const std::string& id, const std::string& by);
  CommandResult claim(const std::string& id, const std::string& user);

  // Rule campaigns: create (escrows the budget from the owner), take in a customer
  // event (validated, queued through the outbox), re-drive a dead-lettered event.
  CommandResult create_rule_campaign(const RuleCampaignSpec& spec);
  CommandResult customer_event(const CustomerEvent& event);
  // A batch of customer events in one transaction (group commit): one fsync
  // acknowledges them all; one result per event, in order.
  std::vector<CommandResult> customer_events(const std::vector<CustomerEvent>& events);
  CommandResult redrive(const std::string& event_id);

  // State updates after `seq` for a reconnecting client, in order.
  std::vector<StateUpdate> updates_since(const std::string& id, std::int64_t seq);
  Health health();

 private:
  std::unique_ptr<EngineImpl> impl_;
};

}  // namespace clsim::engine
