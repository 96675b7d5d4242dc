// Leases (leases.hpp): the one place their SQL lives.
#include "engine/saga/leases.hpp"

namespace clsim::engine {

bool Leases::take(SqliteDb& db, const std::string& key, Duration hold_for) {
  // Read once: a real clock moves between two reads in one handler.
  const std::int64_t now_us = to_us(ctx_.clock.now());
  db.prepare("INSERT INTO leases (key, owner, until_us) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE "
             "SET owner = excluded.owner, until_us = excluded.until_us "
             "WHERE leases.owner = excluded.owner OR leases.until_us <= ?")
      .bind(1, key)
      .bind(2, ctx_.options.name)
      .bind(3, now_us + to_us(hold_for))
      .bind(4, now_us)
      .run();
  return db.changes() > 0;
}

bool Leases::take(TxScope& s, const std::string& key, Duration hold_for) {
  const std::int64_t until_us = to_us(ctx_.clock.now() + hold_for);
  if (!take(s.db, key, hold_for)) return false;
  s.fx.after_commit.push_back([this, key, until_us] { held_until_us_[key] = until_us; });
  return true;
}

void Leases::release(SqliteDb& db, const std::string& key) {
  held_until_us_.erase(key);  // before the write: a rolled-back release only costs a renewal
  db.prepare("DELETE FROM leases WHERE key = ? AND owner = ?").bind(1, key).bind(2, ctx_.options.name).run();
}

std::function<bool()> Leases::hold(const std::string& key, Duration hold_for) {
  return [this, key, hold_for] {
    const auto it = held_until_us_.find(key);
    if (it != held_until_us_.end() && it->second - to_us(ctx_.clock.now()) > to_us(hold_for) / 2) return true;
    const bool held = ctx_.run_tx([&](TxScope& s) { return take(s, key, hold_for) ? std::string() : "lease_lost"; }).ok;
    if (!held) held_until_us_.erase(key);
    return held;
  };
}

std::function<void()> Leases::releaser(const std::string& key) {
  return [this, key] {
    ctx_.run_tx([&](TxScope& s) {
      release(s.db, key);
      return std::string();
    });
  };
}

}  // namespace clsim::engine
