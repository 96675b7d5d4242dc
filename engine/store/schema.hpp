// The engine's schema as numbered migrations. Each runs once, in order, in its own
// transaction, and records itself in `schema_version`; a store opened by a newer
// engine keeps working with the rows an older one wrote.
#pragma once
#include "engine/store/sqlite_db.hpp"

namespace clsim::engine {

// Applies every migration newer than the store's version. Throws StoreError.
void migrate(SqliteDb& db);
// The version the code knows (the highest migration number).
int schema_version_latest();

}  // namespace clsim::engine
