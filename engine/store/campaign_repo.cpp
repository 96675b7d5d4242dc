#include "engine/store/campaign_repo.hpp"

namespace clsim::engine {

namespace {

constexpr const char* kColumns =
    "id, owner, text, budget, rate_like, rate_retweet, rate_quote, rate_reply, duration_us, claim_window_us, "
    "state, step, created_us, update_count, first_tweet_id, first_tweet_attempts, second_tweet_id, "
    "second_tweet_attempts, contract_tx_payer, contract_tx_start_us, contract_done, escrowed, refund_amount, "
    "refund_tx_payer, refund_tx_start_us, refunded, return_amount, return_tx_payer, return_tx_start_us, returned, "
    "claimed, start_us, close_us, expiry_us, seen_like, seen_retweet, seen_quote, seen_reply, fail_reason";
constexpr int kColumnCount = 39;

CampaignRow read_row(const Statement& q) {
  CampaignRow r;
  int c = 0;
  r.id = q.text_at(c++);
  r.owner = q.text_at(c++);
  r.text = q.text_at(c++);
  r.budget = Money(q.int_at(c++));
  r.rates.like = Money(q.int_at(c++));
  r.rates.retweet = Money(q.int_at(c++));
  r.rates.quote = Money(q.int_at(c++));
  r.rates.reply = Money(q.int_at(c++));
  r.duration = Duration(q.int_at(c++));
  r.claim_window = Duration(q.int_at(c++));
  r.state = campaign_state_from(q.text_at(c++)).value_or(CampaignState::CREATED);
  r.step = q.text_at(c++);
  r.created_us = q.int_at(c++);
  r.update_count = q.int_at(c++);
  r.first_tweet_id = q.opt_text(c++);
  r.first_tweet_attempts = q.int_at(c++);
  r.second_tweet_id = q.opt_text(c++);
  r.second_tweet_attempts = q.int_at(c++);
  r.contract_tx.payer = q.opt_text(c++);
  r.contract_tx.start_us = q.opt_int(c++);
  r.contract_done = q.int_at(c++) != 0;
  r.escrowed = Money(q.int_at(c++));
  r.refund_amount = Money(q.int_at(c++));
  r.refund_tx.payer = q.opt_text(c++);
  r.refund_tx.start_us = q.opt_int(c++);
  r.refunded = Money(q.int_at(c++));
  r.return_amount = Money(q.int_at(c++));
  r.return_tx.payer = q.opt_text(c++);
  r.return_tx.start_us = q.opt_int(c++);
  r.returned = Money(q.int_at(c++));
  r.claimed = Money(q.int_at(c++));
  r.start_us = q.opt_int(c++);
  r.close_us = q.opt_int(c++);
  r.expiry_us = q.opt_int(c++);
  for (auto& s : r.seen) s = q.int_at(c++);
  r.fail_reason = q.text_at(c++);
  return r;
}

void bind_row(Statement& q, const CampaignRow& r) {
  int c = 0;
  auto b = [&](const auto& v) { q.bind(++c, v); };
  b(r.id), b(r.owner), b(r.text), b(r.budget.minor);
  b(r.rates.like.minor), b(r.rates.retweet.minor), b(r.rates.quote.minor), b(r.rates.reply.minor);
  b(to_us(r.duration)), b(to_us(r.claim_window)), b(std::string(to_string(r.state))), b(r.step);
  b(r.created_us), b(r.update_count), b(r.first_tweet_id), b(r.first_tweet_attempts);
  b(r.second_tweet_id), b(r.second_tweet_attempts), b(r.contract_tx.payer), b(r.contract_tx.start_us);
  b(std::int64_t(r.contract_done ? 1 : 0)), b(r.escrowed.minor), b(r.refund_amount.minor);
  b(r.refund_tx.payer), b(r.refund_tx.start_us), b(r.refunded.minor);
  b(r.return_amount.minor), b(r.return_tx.payer), b(r.return_tx.start_us);
  b(r.returned.minor), b(r.claimed.minor), b(r.start_us), b(r.close_us), b(r.expiry_us);
  for (auto s : r.seen) b(s);
  b(r.fail_reason);
}

std::string placeholders(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

}  // namespace

std::optional<CampaignRow> load_campaign(SqliteDb& db, const std::string& id) {
  static const std::string sql = std::string("SELECT ") + kColumns + " FROM campaigns WHERE id = ?";
  auto& q = db.prepare(sql);
  q.bind(1, id);
  std::optional<CampaignRow> row;
  if (q.step()) row = read_row(q);
  q.reset();
  return row;
}

std::vector<CampaignRow> load_campaigns(SqliteDb& db) {
  static const std::string sql = std::string("SELECT ") + kColumns + " FROM campaigns ORDER BY id";
  auto& q = db.prepare(sql);
  std::vector<CampaignRow> out;
  while (q.step()) out.push_back(read_row(q));
  q.reset();
  return out;
}

std::vector<CampaignRow> load_campaign_books(SqliteDb& db) {
  auto& q = db.prepare(
      "SELECT id, state, step, escrowed, refund_amount, refunded, returned, claimed FROM campaigns ORDER BY id");
  std::vector<CampaignRow> out;
  while (q.step()) {
    CampaignRow& r = out.emplace_back();
    r.id = q.text_at(0);
    r.state = campaign_state_from(q.text_view(1)).value_or(CampaignState::CREATED);
    r.step = q.text_at(2);
    r.escrowed = Money(q.int_at(3)), r.refund_amount = Money(q.int_at(4)), r.refunded = Money(q.int_at(5));
    r.returned = Money(q.int_at(6)), r.claimed = Money(q.int_at(7));
  }
  q.reset();
  return out;
}

bool campaign_exists(SqliteDb& db, const std::string& id) {
  auto& q = db.prepare("SELECT 1 FROM campaigns WHERE id = ?");
  q.bind(1, id);
  const bool found = q.step();
  q.reset();
  return found;
}

void insert_campaign(SqliteDb& db, const CampaignRow& row) {
  static const std::string sql =
      std::string("INSERT INTO campaigns (") + kColumns + ") VALUES (" + placeholders(kColumnCount) + ")";
  auto& q = db.prepare(sql);
  bind_row(q, row);
  q.run();
}

void save_campaign(SqliteDb& db, const CampaignRow& row) {
  // REPLACE would cascade through foreign keys; delete-free upsert keeps children.
  static const std::string sql = std::string("INSERT INTO campaigns (") + kColumns + ") VALUES (" +
                                 placeholders(kColumnCount) +
                       ") ON CONFLICT(id) DO UPDATE SET owner=excluded.owner, text=excluded.text, "
                       "budget=excluded.budget, rate_like=excluded.rate_like, rate_retweet=excluded.rate_retweet, "
                       "rate_quote=excluded.rate_quote, rate_reply=excluded.rate_reply, "
                       "duration_us=excluded.duration_us, claim_window_us=excluded.claim_window_us, "
                       "state=excluded.state, step=excluded.step, update_count=excluded.update_count, "
                       "first_tweet_id=excluded.first_tweet_id, first_tweet_attempts=excluded.first_tweet_attempts, "
                       "second_tweet_id=excluded.second_tweet_id, "
                       "second_tweet_attempts=excluded.second_tweet_attempts, "
                       "contract_tx_payer=excluded.contract_tx_payer, "
                       "contract_tx_start_us=excluded.contract_tx_start_us, contract_done=excluded.contract_done, "
                       "escrowed=excluded.escrowed, refund_amount=excluded.refund_amount, "
                       "refund_tx_payer=excluded.refund_tx_payer, refund_tx_start_us=excluded.refund_tx_start_us, "
                       "refunded=excluded.refunded, return_amount=excluded.return_amount, "
                       "return_tx_payer=excluded.return_tx_payer, return_tx_start_us=excluded.return_tx_start_us, "
                       "returned=excluded.returned, claimed=excluded.claimed, start_us=excluded.start_us, "
                       "close_us=excluded.close_us, expiry_us=excluded.expiry_us, seen_like=excluded.seen_like, "
                       "seen_retweet=excluded.seen_retweet, seen_quote=excluded.seen_quote, "
                       "seen_reply=excluded.seen_reply, fail_reason=excluded.fail_reason";
  auto& q = db.prepare(sql);
  bind_row(q, row);
  q.run();
}

nlohmann::json campaign_view(const CampaignRow& r) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return nlohmann::json{
      {"id", r.id},
      {"owner", r.owner},
      {"state", to_string(r.state)},
      {"budget", r.budget.minor},
      {"rates",
       {{"like", r.rates.like.minor},
        {"retweet", r.rates.retweet.minor},
        {"quote", r.rates.quote.minor},
        {"reply", r.rates.reply.minor}}},
      {"text", r.text},
      {"duration_us", to_us(r.duration)},
      {"claim_window_us", to_us(r.claim_window)},
      {"first_tweet_id", opt(r.first_tweet_id)},
      {"second_tweet_id", opt(r.second_tweet_id)},
      {"start_us", opt(r.start_us)},
      {"close_us", opt(r.close_us)},
      {"expiry_us", opt(r.expiry_us)},
  };
}

std::int64_t next_counter(SqliteDb& db, const std::string& name) {
  db.prepare("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1")
      .bind(1, name)
      .run();
  auto& q = db.prepare("SELECT value FROM counters WHERE name = ?");
  q.bind(1, name);
  q.step();
  const std::int64_t v = q.int_at(0);
  q.reset();
  return v;
}

const char* const kRunningTweetsSql =
    "SELECT id, first_tweet_id, owner FROM campaigns WHERE state = 'RUNNING' AND first_tweet_id IS NOT NULL "
    "ORDER BY id";

std::vector<RunningTweet> running_tweets(SqliteDb& db) {
  auto& q = db.prepare(kRunningTweetsSql);
  std::vector<RunningTweet> out;
  while (q.step()) out.push_back(RunningTweet{q.text_at(0), q.text_at(1), q.text_at(2)});
  q.reset();
  return out;
}

std::unordered_map<std::string, SeenMarks> load_seen_marks(SqliteDb& db, const std::vector<std::string>& ids) {
  auto& q = db.prepare(
      "SELECT c.id, c.state = 'RUNNING', c.seen_like, c.seen_retweet, c.seen_quote, c.seen_reply "
      "FROM json_each(?) AS j JOIN campaigns AS c ON c.id = j.value");
  q.bind(1, nlohmann::json(ids).dump());
  std::unordered_map<std::string, SeenMarks> out;
  out.reserve(ids.size());
  while (q.step()) {
    SeenMarks m;
    m.running = q.int_at(1) != 0;
    for (int k = 0; k < 4; ++k) m.seen[k] = q.int_at(k + 2);
    out.emplace(q.text_at(0), m);
  }
  q.reset();
  return out;
}

bool any_running(SqliteDb& db) {
  // EXISTS stops at the first one; COUNT(*) read the whole table at every poll.
  auto& q = db.prepare("SELECT EXISTS (SELECT 1 FROM campaigns WHERE state = 'RUNNING')");
  q.step();
  const bool any = q.int_at(0) > 0;
  q.reset();
  return any;
}

bool campaign_running(SqliteDb& db, const std::string& id) {
  auto& q = db.prepare("SELECT state = 'RUNNING' FROM campaigns WHERE id = ?");
  q.bind(1, id);
  const bool running = q.step() && q.int_at(0) != 0;
  q.reset();
  return running;
}

void save_seen_marks(SqliteDb& db, const std::string& id, const std::array<std::optional<std::int64_t>, 4>& marks) {
  // One statement for every kind a poll completed: a row update a kind rewrote
  // the row once per list.
  auto& q = db.prepare(
      "UPDATE campaigns SET seen_like = ifnull(?1, seen_like), seen_retweet = ifnull(?2, seen_retweet), "
      "seen_quote = ifnull(?3, seen_quote), seen_reply = ifnull(?4, seen_reply) WHERE id = ?5");
  for (int k = 0; k < 4; ++k) q.bind(k + 1, marks[std::size_t(k)]);
  q.bind(5, id).run();
}

void add_claimed(SqliteDb& db, const std::string& id, Money amount) {
  db.prepare("UPDATE campaigns SET claimed = claimed + ? WHERE id = ?").bind(1, amount.minor).bind(2, id).run();
}

std::vector<StateUpdate> load_updates_since(SqliteDb& db, const std::string& id, std::int64_t seq) {
  std::vector<StateUpdate> out;
  auto& q = db.prepare("SELECT seq, state, view, at_us FROM state_updates WHERE campaign_id = ? AND seq > ? ORDER BY seq");
  q.bind(1, id).bind(2, seq);
  while (q.step())
    out.push_back(StateUpdate{id, q.int_at(0), q.text_at(1), nlohmann::json::parse(q.text_at(2)), from_us(q.int_at(3))});
  q.reset();
  return out;
}

}  // namespace clsim::engine
