// A thin RAII layer over one sqlite3 connection: open with the engine's pragmas,
// prepared statements, BEGIN IMMEDIATE transactions. Every SQLite failure becomes
// a StoreError that engine entry points catch and turn into a refusal or a retry.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace clsim::engine {

// A SQLite error as a value the engine handles (SQLITE_IOERR, SQLITE_FULL,
// SQLITE_BUSY, ...). Not derived from std::exception on purpose: only code that
// names it catches it, and it never mixes with CrashSignal handling.
struct StoreError {
  int code = 0;          // primary result code
  std::string message;   // "store: disk I/O error"
};

// "store: <sqlite message>" for a primary result code.
std::string store_reason(int code);

class Statement {
 public:
  explicit Statement(sqlite3_stmt* s) : stmt_(s) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind_null(int i);
  Statement& bind(int i, const std::optional<std::string>& v) { return v ? bind(i, *v) : bind_null(i); }
  Statement& bind(int i, std::optional<std::int64_t> v) { return v ? bind(i, *v) : bind_null(i); }

  // True while a row is available; throws StoreError on failure.
  bool step();
  // Runs to completion (for INSERT/UPDATE/DELETE).
  void run();
  std::int64_t int_at(int col) const;
  std::string text_at(int col) const;
  // The column's text without a copy; valid until the next step or reset.
  std::string_view text_view(int col) const;
  bool is_null(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<std::int64_t> opt_int(int col) const;

  // Clears bindings and resets for reuse; called by SqliteDb::prepare.
  void reset();

 private:
  friend class SqliteDb;
  sqlite3_stmt* stmt_;
  sqlite3* db() const;
};

// Process-wide SQLite settings; takes effect only before SQLite first initializes,
// so everything that opens a database or registers a VFS calls it first.
void configure_sqlite();

class SqliteDb {
 public:
  // Opens (creating if allowed) and applies the engine's pragmas. Throws StoreError.
  SqliteDb(const std::string& path, const std::string& vfs, bool create);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const std::string& sql);
  // A cached prepared statement, reset and ready to bind.
  Statement& prepare(std::string_view sql);
  std::int64_t changes() const;
  bool in_transaction() const;
  sqlite3* raw() { return db_; }

 private:
  [[noreturn]] void fail(int rc) const;
  sqlite3* db_ = nullptr;
  // Keyed by SQL text; never iterated for output. Hashed and looked up by view: an
  // ordered map compared long SQL prefixes on every prepare, and a literal became a
  // std::string first (together 14% of a simulated week).
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> cache_;
};

// BEGIN IMMEDIATE ... COMMIT; ROLLBACK in the destructor unless committed.
// Never held across an asynchronous wait.
class Transaction {
 public:
  explicit Transaction(SqliteDb& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();
  SqliteDb& db() { return db_; }

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace clsim::engine
