import Foundation
import PostgresNIO

extension StoreStatement {
    /// The statement for PostgresNIO: `$1`…`$n` placeholders and binds in PostgreSQL's binary types (a NULL keeps
    /// its column's type).
    var postgresQuery: PostgresQuery {
        var text = ""
        for (index, part) in sql.split(separator: "?", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { text += "$\(index)" }
            text += part
        }
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            switch bind {
            case .text(let value): bindings.append(value)
            case .uuid(let value): bindings.append(value)
            case .integer(let value): bindings.append(value)
            case .real(let value): bindings.append(value)
            case .date(let value): bindings.append(value)
            case .bool(let value): bindings.append(value)
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }
}
