#include "CSQLiteOptions.h"
#include "sqlite_nio_sqlite3.h"

int switchyard_sqlite_enable_qpsg(struct sqlite3 *db) {
    int enabled = 0;
    return sqlite_nio_sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, &enabled);
}
