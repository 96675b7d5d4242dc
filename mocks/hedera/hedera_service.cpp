#include "mocks/hedera/hedera_service.hpp"

#include <algorithm>

#include "engine/core/distributions.hpp"
#include "engine/names.hpp"

namespace clsim::mocks {

using engine::LedgerStatus;

namespace {
bool is_receipt_failure(LedgerStatus s) {
  return s == LedgerStatus::INSUFFICIENT_GAS || s == LedgerStatus::CONTRACT_REVERT_EXECUTED ||
         s == LedgerStatus::CONSENSUS_GAS_EXHAUSTED || s == LedgerStatus::THROTTLED_AT_CONSENSUS;
}

const char* receipt_failure_key(LedgerStatus s) {
  switch (s) {
    case LedgerStatus::CONTRACT_REVERT_EXECUTED: return "contract_revert";
    case LedgerStatus::INSUFFICIENT_GAS: return "insufficient_gas";
    case LedgerStatus::CONSENSUS_GAS_EXHAUSTED: return "consensus_gas_exhausted";
    default: return "throttled_at_consensus";
  }
}
}  // namespace

std::string HederaService::subject_of(const engine::LedgerTransaction& tx) {
  if (!tx.memo.empty()) return "memo " + tx.memo;
  return std::string(tx.op == engine::LedgerOp::contract_create ? "contract_create " : "transfer ") + tx.from;
}

void HederaService::observe(const engine::LedgerTransaction& tx, LedgerStatus status, bool apply_effect,
                            const char* fault) {
  if (!counter_.observing()) return;
  ObservedFailure f;
  f.at = clock_.now();
  f.service = "hedera";
  f.campaign = engine::campaign_of_memo(tx.memo);
  f.ledger_status = engine::to_string(status);
  f.apply_effect = apply_effect;
  f.fault = std::string("hedera_") + fault;
  f.call_nth = call_nth_;
  counter_.note_failure(std::move(f));
}

HederaService::HederaService(HederaConfig config, engine::Clock& clock, engine::Random& rng, FaultCounter& counter)
    : config_(std::move(config)), clock_(clock), rng_(rng), counter_(counter), accounts_(config_) {}

engine::Duration HederaService::latency() {
  const auto& f = config_.faults;
  const auto lo = engine::to_us(f.latency_min);
  return engine::Duration(engine::uniform_range(rng_, lo, std::max(lo, engine::to_us(f.latency_max))));
}

std::optional<HederaScriptedFailure> HederaService::take_scripted(const engine::LedgerTransaction& tx,
                                                                  engine::TimePoint now, const char* same_call_fault) {
  for (auto it = script_.begin(); it != script_.end(); ++it) {
    if (now < it->not_before) continue;
    if (it->call_nth > 0 && now == it->not_before && it->call_nth != call_nth_) continue;
    if (same_call_fault && (it->fault != same_call_fault || it->not_before != now || it->call_nth != call_nth_))
      continue;
    if (it->memo_contains && tx.memo.find(*it->memo_contains) == std::string::npos) continue;
    auto f = std::move(*it);
    script_.erase(it);
    count("scripted");
    return f;
  }
  return std::nullopt;
}

HederaService::Precheck HederaService::precheck(const engine::LedgerTransaction& tx, engine::TimePoint now) {
  const auto& f = config_.faults;
  const auto& vs = tx.id.valid_start;
  if (tx.valid_duration < config_.valid_duration_min || tx.valid_duration > config_.valid_duration_max)
    return {LedgerStatus::INVALID_TRANSACTION_DURATION, latency()};
  if (vs > now) return {LedgerStatus::INVALID_TRANSACTION_START, latency()};
  if (now > vs + tx.valid_duration) {
    count("expired");
    return {LedgerStatus::TRANSACTION_EXPIRED, latency()};
  }
  if (tx.memo.size() > engine::kMemoMaxBytes) return {LedgerStatus::MEMO_TOO_LONG, latency()};
  if (roll(f.busy_rate, "busy", tx)) {
    count("busy");
    observe(tx, LedgerStatus::BUSY, false, "busy");
    return {LedgerStatus::BUSY, latency()};
  }
  if (roll(f.platform_not_created_rate, "platform_not_created", tx)) {
    count("platform_not_created");
    observe(tx, LedgerStatus::PLATFORM_TRANSACTION_NOT_CREATED, false, "platform_not_created");
    return {LedgerStatus::PLATFORM_TRANSACTION_NOT_CREATED, latency()};
  }
  if (roll(f.platform_not_active_rate, "platform_not_active", tx)) {
    count("platform_not_active");
    observe(tx, LedgerStatus::PLATFORM_NOT_ACTIVE, false, "platform_not_active");
    return {LedgerStatus::PLATFORM_NOT_ACTIVE, latency()};
  }
  if (roll(f.slow_node_rate, "slow_node", tx)) {
    // Every attempt hit its deadline: the SDK gives up and nothing was submitted.
    count("slow_node");
    observe(tx, LedgerStatus::TIMEOUT, false, "slow_node");
    return {LedgerStatus::TIMEOUT, f.slow_node_delay};
  }
  auto seen = records_.find(tx.id.to_string());
  if (seen != records_.end() && seen->second.tx.id.valid_start >= now - config_.dedup_window) {
    count("duplicate");
    return {LedgerStatus::DUPLICATE_TRANSACTION, latency()};
  }
  // The payer pays no fees in this model; the solvency precheck is on the sender.
  // A sender drained between precheck and consensus fails in the receipt instead.
  accounts_.touch(tx.id.payer);
  if (accounts_.touch(tx.from) < tx.amount) {
    count("insufficient_balance");
    return {LedgerStatus::INSUFFICIENT_PAYER_BALANCE, latency()};
  }
  return {LedgerStatus::OK, latency()};
}

LedgerStatus HederaService::draw_receipt_failure(const engine::LedgerTransaction& tx) {
  const auto& f = config_.faults;
  const std::pair<double, LedgerStatus> options[] = {
      {f.contract_revert_rate, LedgerStatus::CONTRACT_REVERT_EXECUTED},
      {f.insufficient_gas_rate, LedgerStatus::INSUFFICIENT_GAS},
      {f.consensus_gas_exhausted_rate, LedgerStatus::CONSENSUS_GAS_EXHAUSTED},
      {f.throttled_at_consensus_rate, LedgerStatus::THROTTLED_AT_CONSENSUS},
  };
  for (const auto& [rate, status] : options)
    if (roll(rate, receipt_failure_key(status), tx)) return status;
  return LedgerStatus::SUCCESS;
}

void HederaService::accept(const engine::LedgerTransaction& tx, engine::TimePoint now, LedgerStatus forced) {
  const auto& f = config_.faults;
  const auto lo = engine::to_us(f.receipt_delay_min);
  const auto delay = engine::Duration(engine::uniform_range(rng_, lo, std::max(lo, engine::to_us(f.receipt_delay_max))));
  const std::string id = tx.id.to_string();
  Record r;
  r.tx = tx;
  r.consensus_at = now + delay;
  r.forced = forced;
  receipt_expiry_us_.emplace(engine::to_us(r.consensus_at + config_.receipt_ttl), id);
  records_[id] = std::move(r);
  ++in_flight_;
  std::weak_ptr<HederaService*> alive = alive_;
  clock_.start_wait(delay, engine::TimerKind::foreground, "hedera:consensus",
                    [alive, id](boost::system::error_code ec) {
                      if (ec) return;
                      if (auto self = alive.lock()) (*self)->reach_consensus(id);
                    });
}

void HederaService::reach_consensus(const std::string& id) {
  auto it = records_.find(id);
  if (it == records_.end() || it->second.done) return;
  Record& r = it->second;
  LedgerStatus status = r.forced;
  if (status == LedgerStatus::SUCCESS && !accounts_.move(r.tx.from, r.tx.to, r.tx.amount))
    status = LedgerStatus::INSUFFICIENT_PAYER_BALANCE;
  r.done = true;
  r.final_status = status;
  --in_flight_;
  executed_.push_back(
      ExecutedTransaction{id, r.tx.id, r.tx.op, r.tx.from, r.tx.to, r.tx.amount, r.tx.memo, r.consensus_at, status});
  if (status == LedgerStatus::SUCCESS) ++executions_by_memo_[r.tx.memo];
}

void HederaService::purge(engine::TimePoint now) {
  // A record lives until its receipt ages out; its dedup window (by valid start)
  // always ends earlier, because valid start <= acceptance < consensus.
  while (!receipt_expiry_us_.empty() && receipt_expiry_us_.begin()->first < engine::to_us(now)) {
    records_.erase(receipt_expiry_us_.begin()->second);
    receipt_expiry_us_.erase(receipt_expiry_us_.begin());
  }
}

HederaReply<engine::SubmitResult> HederaService::submit(const engine::LedgerTransaction& tx) {
  const auto now = clock_.now();
  purge(now);
  call_nth_ = ordinals_.next("submit", now);
  auto scripted = take_scripted(tx, now);
  // A logged failure that names its decision fails the submit through that
  // decision, drawing as the captured run drew; the forcing ends with the call.
  struct ClearForced {
    FaultCounter& counter;
    ~ClearForced() { counter.clear_forced(); }
  } clear_forced{counter_};
  if (scripted && !scripted->fault.empty() && counter_.scheduled()) {
    counter_.force_next(scripted->fault);
    scripted.reset();
  }
  if (scripted && !scripted->apply_effect && !is_receipt_failure(scripted->status)) {
    const bool timeout = scripted->status == LedgerStatus::TIMEOUT;
    return {{scripted->status}, timeout ? config_.faults.timeout_delay : latency()};
  }
  const Precheck pre = precheck(tx, now);
  if (pre.status != LedgerStatus::OK) return {{pre.status}, pre.latency};
  LedgerStatus forced = draw_receipt_failure(tx);
  if (scripted && is_receipt_failure(scripted->status)) forced = scripted->status;
  if (forced != LedgerStatus::SUCCESS) count(receipt_failure_key(forced));
  if (forced != LedgerStatus::SUCCESS && !scripted) observe(tx, forced, false, receipt_failure_key(forced));
  accept(tx, now, forced);
  if (scripted && scripted->apply_effect) {
    const bool timeout = scripted->status == LedgerStatus::TIMEOUT;
    return {{scripted->status}, timeout ? config_.faults.timeout_delay : pre.latency};
  }
  if (counter_.scheduled() && take_scripted(tx, now, "hedera_unknown_outcome"))
    counter_.force_next("hedera_unknown_outcome");
  if (roll(config_.faults.unknown_outcome_rate, "unknown_outcome", tx)) {
    count("unknown_outcome");
    observe(tx, LedgerStatus::TIMEOUT, true, "unknown_outcome");
    return {{LedgerStatus::TIMEOUT}, config_.faults.timeout_delay};
  }
  return {{LedgerStatus::OK}, pre.latency};
}

HederaReply<engine::ReceiptResult> HederaService::get_receipt(const engine::TransactionId& id) {
  purge(clock_.now());
  auto it = records_.find(id.to_string());
  if (it == records_.end()) return {{LedgerStatus::RECEIPT_NOT_FOUND}, latency()};
  const Record& r = it->second;
  return {{r.done ? r.final_status : LedgerStatus::UNKNOWN}, latency()};
}

HederaReply<engine::MemoLookupResult> HederaService::find_by_memo(const std::string& memo) {
  const auto now = clock_.now();
  engine::MemoLookupResult out;
  if (counter_.decide(rng_, config_.faults.mirror_unreachable_rate,
                      [&] { return FaultCounter::Call{"hedera_mirror_unreachable", "memo " + memo}; })) {
    count("mirror_unreachable");
    out.reachable = false;
    return {out, latency()};
  }
  // The first successful record with this memo, else the first failed one.
  const ExecutedTransaction* found = nullptr;
  for (const auto& e : executed_) {
    if (e.memo != memo || e.consensus_at + config_.faults.mirror_lag > now) continue;
    if (!found || (found->status != LedgerStatus::SUCCESS && e.status == LedgerStatus::SUCCESS)) found = &e;
    if (found->status == LedgerStatus::SUCCESS) break;
  }
  if (found) {
    out.id = found->tx_id;
    out.status = found->status;
  }
  return {out, latency()};
}

std::int64_t HederaService::executions_for_memo(const std::string& memo) const {
  auto it = executions_by_memo_.find(memo);
  return it == executions_by_memo_.end() ? 0 : it->second;
}

}  // namespace clsim::mocks
