import Foundation

/// A value bound into a statement. Each case keeps its type even when the value is `nil`, so PostgreSQL sees a
/// typed NULL for a `uuid` or `timestamptz` column.
enum StoreBind: Sendable, Equatable {
    case text(String?)
    case uuid(UUID?)
    case integer(Int64?)
    case real(Double?)
    case date(Date?)
    case bool(Bool?)
}

/// One SQL statement with `?` placeholders and its binds. The same statement runs on both databases: prepared once
/// and reused by ``SQLiteEngine`` on SQLite (where values are stored as Fluent stores them: UUIDs as text, dates as
/// seconds since 1970), numbered `$1`…`$n` for PostgresNIO on PostgreSQL. The text must not contain a `?` other
/// than the placeholders.
struct StoreStatement: Sendable {
    let sql: String
    let binds: [StoreBind]

    init(_ sql: String, _ binds: [StoreBind] = []) {
        assert(sql.utf8.lazy.filter { $0 == UInt8(ascii: "?") }.count == binds.count, "one bind per `?`")
        self.sql = sql
        self.binds = binds
    }
}
