#ifndef SWITCHYARD_CSQLITE_OPTIONS_H
#define SWITCHYARD_CSQLITE_OPTIONS_H

// The SQLite that SQLiteNIO vendors (one library and one set of POSIX locks for Fluent and the chat engine). Swift
// code imports this module, which re-exports that API, instead of importing SQLiteNIO's internal C target.
#include "sqlite_nio_sqlite3.h"

/// Turns on SQLite's query planner stability guarantee for one connection: a statement's plan no longer depends
/// on its bound values, so a prepared statement is never re-prepared because a new value was bound. (`sqlite3_db_config`
/// is variadic, which Swift cannot call.) Returns an SQLite result code.
int switchyard_sqlite_enable_qpsg(struct sqlite3 *db);

#endif
