#include "engine/store/sqlite_db.hpp"

#include <sqlite3.h>

namespace clsim::engine {

std::string store_reason(int code) {
  switch (code & 0xff) {
    case SQLITE_IOERR: return "store: disk I/O error";
    case SQLITE_FULL: return "store: database or disk is full";
    case SQLITE_BUSY: return "store: database is busy";
    case SQLITE_LOCKED: return "store: database table is locked";
    case SQLITE_CORRUPT: return "store: database disk image is malformed";
    case SQLITE_CANTOPEN: return "store: unable to open database file";
    default: return std::string("store: ") + sqlite3_errstr(code);
  }
}

namespace {
[[noreturn]] void throw_rc(sqlite3* db, int rc) {
  std::string msg = store_reason(rc);
  if (db && (rc & 0xff) != SQLITE_IOERR && (rc & 0xff) != SQLITE_FULL && (rc & 0xff) != SQLITE_BUSY)
    msg += std::string(" (") + sqlite3_errmsg(db) + ")";
  throw StoreError{rc & 0xff, msg};
}
}  // namespace

Statement::~Statement() { sqlite3_finalize(stmt_); }

sqlite3* Statement::db() const { return sqlite3_db_handle(stmt_); }

Statement& Statement::bind(int i, std::int64_t v) {
  if (int rc = sqlite3_bind_int64(stmt_, i, v); rc != SQLITE_OK) throw_rc(db(), rc);
  return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
  if (int rc = sqlite3_bind_text(stmt_, i, v.data(), int(v.size()), SQLITE_TRANSIENT); rc != SQLITE_OK)
    throw_rc(db(), rc);
  return *this;
}
Statement& Statement::bind_null(int i) {
  if (int rc = sqlite3_bind_null(stmt_, i); rc != SQLITE_OK) throw_rc(db(), rc);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  throw_rc(db(), rc);
}

void Statement::run() {
  while (step()) {
  }
  sqlite3_reset(stmt_);
}

std::int64_t Statement::int_at(int col) const { return sqlite3_column_int64(stmt_, col); }
std::string Statement::text_at(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(stmt_, col))) : std::string();
}
std::string_view Statement::text_view(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string_view(reinterpret_cast<const char*>(p), size_t(sqlite3_column_bytes(stmt_, col)))
           : std::string_view();
}
bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
std::optional<std::string> Statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text_at(col);
}
std::optional<std::int64_t> Statement::opt_int(int col) const {
  if (is_null(col)) return std::nullopt;
  return int_at(col);
}
void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void configure_sqlite() {
  // No bulk page-cache allocation per connection: each open (an engine retries its
  // open every second or so while the disk is full) took ~90 KB of fresh pages
  // and faulted them in, 40% of a swarm seed's time; the cache grows per page.
  static const int configured = sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
  (void)configured;
}

SqliteDb::SqliteDb(const std::string& path, const std::string& vfs, bool create) {
  configure_sqlite();
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    StoreError e{rc & 0xff, store_reason(rc) + (db_ ? std::string(" (") + sqlite3_errmsg(db_) + ")" : "")};
    sqlite3_close(db_);
    db_ = nullptr;
    throw e;
  }
  sqlite3_extended_result_codes(db_, 0);
  // The simulator retries SQLITE_BUSY through its event loop, so never wait here.
  sqlite3_busy_timeout(db_, 0);
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
    exec("PRAGMA temp_store=MEMORY");
  } catch (const StoreError&) {
    // No destructor runs for a constructor that throws: an engine retrying its
    // open on a full disk leaked a connection (file handles, WAL index) a try.
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteDb::~SqliteDb() {
  cache_.clear();  // statements must be finalized before the connection closes
  if (db_) sqlite3_close_v2(db_);
}

void SqliteDb::fail(int rc) const { throw_rc(db_, rc); }

void SqliteDb::exec(const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) fail(rc);
}

Statement& SqliteDb::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    if (int rc = sqlite3_prepare_v2(db_, sql.data(), int(sql.size()), &s, nullptr); rc != SQLITE_OK) fail(rc);
    it = cache_.emplace(std::string(sql), std::make_unique<Statement>(s)).first;
  }
  it->second->reset();
  return *it->second;
}

std::int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }
bool SqliteDb::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

// BEGIN and COMMIT as cached statements: sqlite3_exec parsed them again for every
// transaction, a tenth of an idle engine's heartbeat.
Transaction::Transaction(SqliteDb& db) : db_(db) { db_.prepare("BEGIN IMMEDIATE").run(); }

Transaction::~Transaction() {
  if (done_ || !db_.in_transaction()) return;
  // A failed ROLLBACK (the disk is gone) leaves SQLite to roll back on the next open.
  sqlite3_exec(db_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.prepare("COMMIT").run();
  done_ = true;
}

}  // namespace clsim::engine
