import Foundation
import PostgresNIO

extension StoreStatement {
    /// The statement for PostgresNIO: `$1`…`$n` placeholders and binds in PostgreSQL's binary types (a NULL keeps
    /// its column's type).
    var postgresQuery: PostgresQuery {
        var text = ""
        text.reserveCapacity(sql.utf8.count + binds.count * 2)
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
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
