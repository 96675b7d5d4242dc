#include "engine/saga/ledger_call.hpp"

#include <algorithm>

namespace clsim::engine {

namespace {
constexpr int kReceiptPollsMax = 60;
constexpr Duration kReceiptDelay = Duration(1'000'000);
constexpr Duration kReceiptDelayMax = Duration(10'000'000);
// After the window closes the network can no longer execute the old id, but an id
// accepted at the end of its window reaches consensus a few seconds later and the
// mirror lags consensus by up to ~10 s: the memo lookup waits until the mirror
// must show anything the old id did, or it could miss a payment and pay again.
constexpr Duration kWindowSlack = Duration(30'000'000);
}  // namespace

void LedgerCall::start(CallEnv env, Ledger& ledger, LedgerCallSpec spec) {
  // A payment is made only under its lease (Payments::bind_lease); the one call
  // without is the deliberate fresh-id bug, which proves the harness notices.
  CLSIM_ASSERT(env.hooks, spec.hold || spec.fresh_id_each_attempt,
               "ledger call " + spec.label + " would pay without holding its payment lease");
  auto call = std::make_shared<LedgerCall>(std::move(env), ledger, std::move(spec));
  if (call->spec_.recovering && !call->spec_.fresh_id_each_attempt) {
    // Resumed: the first submit may have executed; ask before sending anything.
    call->poll_receipt(Duration(0));
  } else {
    call->submit();
  }
}

bool LedgerCall::window_open() const {
  return env_.clock.now() < spec_.tx.id.valid_start + spec_.tx.valid_duration;
}

bool LedgerCall::held() {
  if (!spec_.hold || spec_.hold()) return true;
  if (!finished_) {
    finished_ = true;
    CLSIM_SOMETIMES(env_.hooks, "ledger_payment_owned_elsewhere");
    LedgerOutcome out{false, LedgerStatus::UNKNOWN, "ledger: payment owned by another engine", spec_.tx.id};
    out.abandoned = true;
    spec_.done(out);
  }
  return false;
}

void LedgerCall::submit() {
  if (env_.dead() || finished_ || !held()) return;
  if (spec_.fresh_id_each_attempt) {
    // The deliberate bug: every attempt is a new transaction, so a lost answer pays twice.
    auto fresh = spec_.allocate_id();
    if (!fresh) {
      retry(&LedgerCall::submit, "store");
      return;
    }
    spec_.tx.id = *fresh;
  } else if (!window_open()) {
    lookup_memo();
    return;
  }
  ledger_.submit(spec_.tx, [self = shared_from_this()](SubmitResult r) {
    if (!self->env_.dead()) self->on_submit(r);
  });
}

void LedgerCall::on_submit(const SubmitResult& r) {
  switch (r.precheck) {
    case LedgerStatus::OK:
    case LedgerStatus::DUPLICATE_TRANSACTION:  // seen before: it may have executed, ask
      poll_receipt(kReceiptDelay);
      return;
    case LedgerStatus::SUCCESS:
      finish(true, r.precheck, {});
      return;
    case LedgerStatus::TRANSACTION_EXPIRED:
      lookup_memo();
      return;
    case LedgerStatus::INVALID_TRANSACTION_START:  // refused at precheck: the id never executed
      retry(&LedgerCall::choose_new_id, "invalid_start");
      return;
    default:
      break;
  }
  if (is_transient(r.precheck) || r.precheck == LedgerStatus::RECEIPT_NOT_FOUND) {
    retry(&LedgerCall::submit, to_string(r.precheck));
    return;
  }
  finish(false, r.precheck, std::string("ledger: ") + to_string(r.precheck));
}

void LedgerCall::poll_receipt(Duration delay) {
  if (env_.dead() || finished_ || !held()) return;
  auto ask = [self = shared_from_this()] {
    self->ledger_.get_receipt(self->spec_.tx.id, [self](ReceiptResult r) {
      if (!self->env_.dead()) self->on_receipt(r);
    });
  };
  if (delay.count() == 0) {
    ask();
  } else {
    env_.after(delay, "ledger_receipt:" + spec_.label, ask);
  }
}

void LedgerCall::on_receipt(const ReceiptResult& r) {
  switch (r.status) {
    case LedgerStatus::SUCCESS:
      finish(true, r.status, {});
      return;
    case LedgerStatus::RECEIPT_NOT_FOUND:
      // The node never saw this id (or forgot it): inside the window resending the
      // same id is safe; after it, only the durable memo lookup can tell.
      if (window_open() && !spec_.fresh_id_each_attempt) {
        retry(&LedgerCall::submit, "receipt_not_found");
      } else {
        lookup_memo();
      }
      return;
    case LedgerStatus::TRANSACTION_EXPIRED:
      lookup_memo();
      return;
    case LedgerStatus::CONSENSUS_GAS_EXHAUSTED:
    case LedgerStatus::THROTTLED_AT_CONSENSUS:
      // Reached consensus and failed without executing; the id is spent.
      retry(&LedgerCall::choose_new_id, to_string(r.status));
      return;
    default:
      break;
  }
  if (is_transient(r.status) || r.status == LedgerStatus::OK || r.status == LedgerStatus::DUPLICATE_TRANSACTION) {
    if (++receipt_polls_ > kReceiptPollsMax) {
      retry(&LedgerCall::lookup_memo, "receipt_never_final");
      return;
    }
    poll_receipt(std::min(kReceiptDelay * receipt_polls_, kReceiptDelayMax));
    return;
  }
  id_failed_ = true;
  finish(false, r.status, std::string("ledger: ") + to_string(r.status));
}

void LedgerCall::lookup_memo() {
  if (env_.dead() || finished_ || !held()) return;
  if (spec_.fresh_id_each_attempt) {
    choose_new_id();
    return;
  }
  const TimePoint mirror_settled = spec_.tx.id.valid_start + spec_.tx.valid_duration + kWindowSlack;
  if (env_.clock.now() < mirror_settled) {
    // The old id could still execute, or the mirror may not show it yet: wait until
    // its window has closed and the mirror has caught up past it before asking.
    env_.after(mirror_settled - env_.clock.now(),
               "ledger_window:" + spec_.label, [self = shared_from_this()] { self->lookup_memo(); });
    return;
  }
  ledger_.find_by_memo(spec_.tx.memo, [self = shared_from_this()](MemoLookupResult r) {
    if (self->env_.dead() || self->finished_) return;
    if (!r.reachable) {
      self->retry(&LedgerCall::lookup_memo, "mirror_unreachable");
      return;
    }
    if (!r.id) {
      if (self->lookup_memo_final_) {
        self->id_failed_ = true;  // nothing on the mirror past the window: the id is dead
        self->finish(false, LedgerStatus::UNKNOWN, "ledger: retries exhausted");
      } else {
        self->choose_new_id();
      }
      return;
    }
    if (r.status == LedgerStatus::SUCCESS) {
      self->spec_.tx.id = *r.id;
      CLSIM_SOMETIMES(self->env_.hooks, "ledger_memo_lookup_found");
      self->finish(true, r.status, {});
    } else if (r.status == LedgerStatus::UNKNOWN || r.status == LedgerStatus::OK) {
      self->spec_.tx.id = *r.id;
      if (!self->spec_.persist_id(*r.id)) {
        self->retry(&LedgerCall::lookup_memo, "store");
        return;
      }
      self->poll_receipt(kReceiptDelay);
    } else if (!self->lookup_memo_final_) {
      // Found only failed records and nothing succeeded (the mirror is past the
      // window of the current id): the payment did not happen, a new id is safe.
      self->choose_new_id();
    } else {
      self->id_failed_ = true;  // nothing succeeded and the window is past: the id is dead
      self->finish(false, r.status, std::string("ledger: ") + to_string(r.status));
    }
  });
}

void LedgerCall::choose_new_id() {
  if (env_.dead() || finished_ || !held()) return;
  if (spec_.fresh_id_each_attempt) {
    submit();  // submit() draws the fresh id
    return;
  }
  auto fresh = spec_.allocate_id();
  if (!fresh) {
    retry(&LedgerCall::choose_new_id, "store");
    return;
  }
  spec_.tx.id = *fresh;
  receipt_polls_ = 0;
  submit();
}

void LedgerCall::retry(void (LedgerCall::*next)(), const char* why) {
  if (++attempts_ >= env_.retry.max_attempts && !spec_.fresh_id_each_attempt) {
    // Out of attempts. Before calling it a failure make sure nothing executed:
    // the memo lookup after the window is the only answer that cannot change.
    if (!lookup_memo_final_) {
      lookup_memo_final_ = true;
      lookup_memo();
      return;
    }
    if (next != &LedgerCall::lookup_memo || attempts_ >= 2 * env_.retry.max_attempts) {
      finish(false, LedgerStatus::UNKNOWN, std::string("ledger: retries exhausted (") + why + ")");
      return;
    }
  } else if (attempts_ >= env_.retry.max_attempts) {
    finish(false, LedgerStatus::UNKNOWN, std::string("ledger: retries exhausted (") + why + ")");
    return;
  }
  env_.after(env_.backoff(attempts_), "ledger_retry:" + spec_.label, [self = shared_from_this(), next] {
    ((*self).*next)();
  });
}

void LedgerCall::finish(bool success, LedgerStatus status, std::string reason) {
  if (finished_) return;
  finished_ = true;
  if (spec_.release) spec_.release();
  LedgerOutcome out{success, status, std::move(reason), spec_.tx.id};
  out.id_failed = !success && id_failed_;
  spec_.done(out);
}

}  // namespace clsim::engine
