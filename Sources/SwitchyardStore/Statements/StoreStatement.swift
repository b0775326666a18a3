import Foundation
import SQLKit

/// A value bound into a statement. Each case keeps its type even when the value is `nil`, so PostgreSQL sees a
/// typed NULL for a `uuid` or `timestamptz` column.
enum StoreBind: Sendable, Equatable {
    case text(String?)
    case uuid(UUID?)
    case integer(Int64?)
    case real(Double?)
    case date(Date?)
    case bool(Bool?)

    /// The value as SQLKit binds it (and as Fluent stores it on SQLite: UUIDs as text, dates as seconds).
    var encodable: any Encodable & Sendable {
        switch self {
        case .text(let value): value
        case .uuid(let value): value
        case .integer(let value): value
        case .real(let value): value
        case .date(let value): value
        case .bool(let value): value
        }
    }
}

/// One SQL statement with `?` placeholders and its binds. The same statement runs on both databases: prepared once
/// and reused by ``SQLiteEngine`` on SQLite, rendered through SQLKit (which numbers the placeholders) on PostgreSQL.
/// The text must not contain a `?` other than the placeholders.
struct StoreStatement: Sendable {
    let sql: String
    let binds: [StoreBind]

    init(_ sql: String, _ binds: [StoreBind] = []) {
        precondition(sql.utf8.lazy.filter { $0 == UInt8(ascii: "?") }.count == binds.count, "one bind per `?`")
        self.sql = sql
        self.binds = binds
    }

    /// The statement for SQLKit.
    var sqlKit: SQLQueryString {
        var query = SQLQueryString(literalCapacity: sql.utf8.count, interpolationCount: binds.count)
        var binds = binds.makeIterator()
        for (index, part) in sql.split(separator: "?", omittingEmptySubsequences: false).enumerated() {
            if index > 0, let bind = binds.next() { query.appendInterpolation(bind: bind.encodable) }
            query.appendLiteral(String(part))
        }
        return query
    }
}
