#include "engine/queries.hpp"

#include <unordered_map>

#include "engine/store/campaign_repo.hpp"
#include "engine/store/sqlite_db.hpp"

namespace clsim::engine {

StoreReader::StoreReader(Storage& storage) : storage_(storage) {}
StoreReader::~StoreReader() = default;

SqliteDb* StoreReader::db() {
  if (!db_) db_ = storage_.open(false);
  return db_.get();
}

template <class F>
auto StoreReader::read(F&& f) -> decltype(f(std::declval<SqliteDb&>())) {
  error_.clear();
  try {
    return f(*db());
  } catch (const StoreError& e) {
    // A missing file or a store no engine has migrated yet reads as empty.
    error_ = e.message;
    db_.reset();
    return {};
  }
}

namespace {
// Rewards still to pay out and in flight, by status.
struct RewardSums {
  std::int64_t claimable = 0, in_flight = 0;
};
// Which statuses are still to pay out and which are in flight.
void add_reward(RewardSums& sums, std::string_view status, std::int64_t amount) {
  if (status == "claimable") sums.claimable += amount;
  else if (status == "claiming" || status == "returning") sums.in_flight += amount;
}

CampaignRecord to_record(const CampaignRow& r, RewardSums sums) {
  CampaignRecord c;
  c.id = r.id, c.owner = r.owner, c.state = to_string(r.state), c.text = r.text, c.step = r.step;
  c.budget = r.budget, c.rates = r.rates;
  c.first_tweet_id = r.first_tweet_id, c.second_tweet_id = r.second_tweet_id;
  if (r.contract_tx.set()) c.contract_tx_id = r.contract_tx.id().to_string();
  c.contract_done = r.contract_done;
  c.start_us = r.start_us, c.close_us = r.close_us, c.expiry_us = r.expiry_us;
  c.escrowed = r.escrowed, c.refunded = r.refunded, c.returned = r.returned, c.claimed = r.claimed;
  if (r.step == "close" || r.step == "fail_refund") c.refund_pending = r.refund_amount - r.refunded;
  c.claimable = Money(sums.claimable);
  c.in_flight = Money(sums.in_flight) + c.refund_pending;
  return c;
}

CampaignRecord to_record(SqliteDb& db, const CampaignRow& r) {
  auto& q = db.prepare("SELECT status, amount FROM rewards WHERE campaign_id = ?");
  q.bind(1, r.id);
  RewardSums sums;
  while (q.step()) add_reward(sums, q.text_view(0), q.int_at(1));
  q.reset();
  return to_record(r, sums);
}

// Ends a deferred read transaction on scope exit, whatever happened.
struct EndRead {
  SqliteDb& db;
  ~EndRead() {
    if (db.in_transaction()) {
      try {
        db.exec("COMMIT");
      } catch (const StoreError&) {
      }
    }
  }
};

// Every campaign's reward sums, from one pass over the table in its own order:
// GROUP BY walked the primary key index and looked up every row in the table
// (twice the cost, 9% of a 1,000-campaign week). A campaign's rewards are written
// together, so its rows mostly come in one run and cost one map lookup a run.
std::unordered_map<std::string, RewardSums> all_reward_sums(SqliteDb& db) {
  std::unordered_map<std::string, RewardSums> sums;
  auto& q = db.prepare("SELECT campaign_id, status, amount FROM rewards");
  RewardSums* run = nullptr;
  std::string run_id;
  while (q.step()) {
    const std::string_view id = q.text_view(0);
    if (!run || id != run_id) {
      run_id.assign(id);
      run = &sums[run_id];
    }
    add_reward(*run, q.text_view(1), q.int_at(2));
  }
  q.reset();
  return sums;
}

// Campaign records in one read snapshot, so totals across campaigns agree (a
// deferred BEGIN takes no write lock): two statements, not two a campaign.
std::vector<CampaignRecord> records(SqliteDb& db, std::vector<CampaignRow> (*load)(SqliteDb&)) {
  db.exec("BEGIN");
  EndRead end_read{db};
  const auto sums = all_reward_sums(db);
  std::vector<CampaignRecord> out;
  for (const auto& row : load(db)) {
    const auto it = sums.find(row.id);
    out.push_back(to_record(row, it == sums.end() ? RewardSums{} : it->second));
  }
  return out;
}
}  // namespace

std::optional<CampaignRecord> StoreReader::campaign(const std::string& id) {
  return read([&](SqliteDb& db) -> std::optional<CampaignRecord> {
    auto row = load_campaign(db, id);
    if (!row) return std::nullopt;
    return to_record(db, *row);
  });
}

std::vector<CampaignRecord> StoreReader::campaigns() {
  return read([&](SqliteDb& db) { return records(db, load_campaigns); });
}

// The invariant checker reads this every couple of thousand events: the whole
// row and record of every campaign (text, tweets, ledger ids) were a third of
// its sweep, and it looks at none of them.
std::vector<CampaignRecord> StoreReader::campaign_books() {
  return read([&](SqliteDb& db) { return records(db, load_campaign_books); });
}

std::vector<RewardRecord> StoreReader::reward_records(const std::string& id) {
  return read([&](SqliteDb& db) {
    std::vector<RewardRecord> out;
    auto& q = db.prepare("SELECT user_id, amount, status FROM rewards WHERE campaign_id = ? ORDER BY user_id");
    q.bind(1, id);
    while (q.step()) out.push_back({q.text_at(0), Money(q.int_at(1)), q.text_at(2)});
    q.reset();
    return out;
  });
}

std::vector<RewardView> StoreReader::rewards(const std::string& id) {
  std::vector<RewardView> out;
  for (auto& r : reward_records(id)) {
    const bool final = r.status == "claimed" || r.status == "returned";
    out.push_back(RewardView{r.user, r.amount, final ? r.status : std::string("claimable")});
  }
  return out;
}

std::vector<std::string> StoreReader::tweets(const std::string& id) {
  std::vector<std::string> out;
  if (auto c = campaign(id)) {
    if (c->first_tweet_id) out.push_back(*c->first_tweet_id);
    if (c->second_tweet_id) out.push_back(*c->second_tweet_id);
  }
  return out;
}

std::vector<TransitionRecord> StoreReader::transitions(std::int64_t after_seq) {
  return read([&](SqliteDb& db) {
    std::vector<TransitionRecord> out;
    auto& q = db.prepare("SELECT seq, campaign_id, from_state, to_state, reason, at_us FROM transitions "
                         "WHERE seq > ? ORDER BY seq");
    q.bind(1, after_seq);
    while (q.step()) out.push_back({q.int_at(0), q.text_at(1), q.text_at(2), q.text_at(3), q.text_at(4), q.int_at(5)});
    q.reset();
    return out;
  });
}

std::int64_t StoreReader::outbox_backlog() {
  return read([&](SqliteDb& db) -> std::int64_t {
    auto& q = db.prepare("SELECT COUNT(*) FROM outbox WHERE published = 0");
    q.step();
    const std::int64_t n = q.int_at(0);
    q.reset();
    return n;
  });
}

std::vector<TimerRecord> StoreReader::timers() {
  return read([&](SqliteDb& db) {
    std::vector<TimerRecord> out;
    auto& q = db.prepare("SELECT campaign_id, kind, due_us FROM timers ORDER BY due_us, campaign_id, kind");
    while (q.step()) out.push_back({q.text_at(0), q.text_at(1), q.int_at(2)});
    q.reset();
    return out;
  });
}

std::map<std::string, std::int64_t> StoreReader::max_update_seq() {
  return read([&](SqliteDb& db) {
    std::map<std::string, std::int64_t> out;
    auto& q = db.prepare("SELECT campaign_id, MAX(seq) FROM state_updates GROUP BY campaign_id ORDER BY campaign_id");
    while (q.step()) out[q.text_at(0)] = q.int_at(1);
    q.reset();
    return out;
  });
}

std::vector<StateUpdate> StoreReader::updates_since(const std::string& id, std::int64_t seq) {
  return read([&](SqliteDb& db) { return load_updates_since(db, id, seq); });
}

}  // namespace clsim::engine

namespace clsim::engine {

std::vector<RuleCampaignRecord> StoreReader::rule_campaigns() {
  return read([&](SqliteDb& db) {
    std::vector<RuleCampaignRecord> out;
    auto& q = db.prepare(
        "SELECT c.id, c.owner, c.state, c.budget, c.funded, c.start_us, c.end_us, "
        "CASE WHEN c.refunded = 1 THEN c.refund_amount ELSE 0 END, "
        "(SELECT COALESCE(SUM(reward), 0) FROM rule_matches m WHERE m.campaign_id = c.id AND m.status = 'paid'), "
        "(SELECT COALESCE(SUM(reward), 0) FROM rule_matches m WHERE m.campaign_id = c.id AND m.status IN "
        "('pending', 'paid', 'failed')) FROM rule_campaigns c ORDER BY c.id");
    while (q.step()) {
      RuleCampaignRecord r;
      r.id = q.text_at(0), r.owner = q.text_at(1), r.state = q.text_at(2), r.budget = Money(q.int_at(3));
      r.funded = q.int_at(4) != 0, r.start_us = q.int_at(5), r.end_us = q.int_at(6);
      r.refunded = Money(q.int_at(7)), r.paid = Money(q.int_at(8)), r.reserved = Money(q.int_at(9));
      out.push_back(std::move(r));
    }
    q.reset();
    return out;
  });
}

std::vector<RuleMatchRecord> StoreReader::rule_matches(const std::string& campaign_id) {
  return read([&](SqliteDb& db) {
    std::vector<RuleMatchRecord> out;
    auto& q = db.prepare("SELECT campaign_id, event_id, user_id, reward, status, reason, trace_id FROM rule_matches "
                         "WHERE ? = '' OR campaign_id = ? ORDER BY campaign_id, at_us, event_id");
    q.bind(1, campaign_id).bind(2, campaign_id);
    while (q.step())
      out.push_back(RuleMatchRecord{q.text_at(0), q.text_at(1), q.text_at(2), Money(q.int_at(3)), q.text_at(4),
                                    q.text_at(5), q.text_at(6)});
    q.reset();
    return out;
  });
}

std::vector<DeadLetterRecord> StoreReader::dead_letters() {
  return read([&](SqliteDb& db) {
    std::vector<DeadLetterRecord> out;
    auto& q = db.prepare("SELECT event_id, reason, message, attempts FROM dead_letters ORDER BY event_id");
    while (q.step()) out.push_back(DeadLetterRecord{q.text_at(0), q.text_at(1), q.text_at(2), q.int_at(3)});
    q.reset();
    return out;
  });
}

std::vector<CustomerEventRecord> StoreReader::customer_events() {
  return read([&](SqliteDb& db) {
    std::vector<CustomerEventRecord> out;
    auto& q = db.prepare("SELECT event_id, type, user_id, status, trace_id, attempts, intake_us FROM customer_events "
                         "ORDER BY event_id");
    while (q.step())
      out.push_back(CustomerEventRecord{q.text_at(0), q.text_at(1), q.text_at(2), q.text_at(3), q.text_at(4),
                                        q.int_at(5), q.int_at(6)});
    q.reset();
    return out;
  });
}

}  // namespace clsim::engine
