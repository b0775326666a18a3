import CSQLiteOptions
import Foundation
import SQLKit

/// The current row of a stepping statement, as an `SQLRow`, so the row mappers in `SQLRow+Values.swift` serve both
/// databases. Values are read straight from SQLite in the storage Fluent uses there: UUIDs as text, dates as
/// seconds since 1970, booleans as integers, dictionaries as JSON text. Valid only inside the row callback.
struct SQLiteStatementRow: SQLRow {
    fileprivate let statement: PreparedStatement

    init(statement: PreparedStatement) {
        self.statement = statement
    }

    var allColumns: [String] {
        (0..<sqlite_nio_sqlite3_column_count(statement.handle)).map {
            sqlite_nio_sqlite3_column_name(statement.handle, $0).map { String(cString: $0) } ?? ""
        }
    }

    func contains(column: String) -> Bool { statement.columns[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        sqlite_nio_sqlite3_column_type(statement.handle, try index(of: column)) == SQLITE_NULL
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        let index = try index(of: column)
        let cell = SQLiteCell(statement: statement.handle, index: index, column: column)
        if let columnType = type as? any SQLiteColumnDecodable.Type {
            return try columnType.init(cell) as! D
        }
        // Anything else was stored as JSON text by SQLKit's encoder.
        return try JSONDecoder().decode(D.self, from: Data(try cell.text().utf8))
    }

    private func index(of column: String) throws -> Int32 {
        guard let index = statement.columns[column] else {
            throw DecodingError.keyNotFound(
                SQLiteColumnKey(stringValue: column),
                .init(codingPath: [], debugDescription: "No column '\(column)' in the result."))
        }
        return index
    }
}

/// One column of the current row.
struct SQLiteCell {
    let statement: OpaquePointer
    let index: Int32
    let column: String

    var isNull: Bool { sqlite_nio_sqlite3_column_type(statement, index) == SQLITE_NULL }

    func text() throws -> String {
        guard sqlite_nio_sqlite3_column_type(statement, index) == SQLITE_TEXT,
            let bytes = sqlite_nio_sqlite3_column_text(statement, index)
        else { throw mismatch("text") }
        let count = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func integer() throws -> Int64 {
        guard sqlite_nio_sqlite3_column_type(statement, index) == SQLITE_INTEGER else { throw mismatch("integer") }
        return sqlite_nio_sqlite3_column_int64(statement, index)
    }

    func real() throws -> Double {
        switch sqlite_nio_sqlite3_column_type(statement, index) {
        case SQLITE_FLOAT, SQLITE_INTEGER: return sqlite_nio_sqlite3_column_double(statement, index)
        default: throw mismatch("number")
        }
    }

    func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(
            Any.self,
            .init(
                codingPath: [SQLiteColumnKey(stringValue: column)],
                debugDescription: "Column '\(column)' does not hold a \(expected)."))
    }
}

/// A type read straight from a SQLite column.
protocol SQLiteColumnDecodable {
    init(_ cell: SQLiteCell) throws
}

extension String: SQLiteColumnDecodable {
    init(_ cell: SQLiteCell) throws { self = try cell.text() }
}

extension Int: SQLiteColumnDecodable {
    init(_ cell: SQLiteCell) throws { self = Int(try cell.integer()) }
}

extension Int64: SQLiteColumnDecodable {
    init(_ cell: SQLiteCell) throws { self = try cell.integer() }
}

extension Double: SQLiteColumnDecodable {
    init(_ cell: SQLiteCell) throws { self = try cell.real() }
}

extension Bool: SQLiteColumnDecodable {
    init(_ cell: SQLiteCell) throws { self = try cell.integer() != 0 }
}

extension Date: SQLiteColumnDecodable {
    init(_ cell: SQLiteCell) throws { self = Date(timeIntervalSince1970: try cell.real()) }
}

extension UUID: SQLiteColumnDecodable {
    init(_ cell: SQLiteCell) throws {
        guard let uuid = UUID(uuidString: try cell.text()) else { throw cell.mismatch("UUID") }
        self = uuid
    }
}

extension Optional: SQLiteColumnDecodable where Wrapped: SQLiteColumnDecodable {
    init(_ cell: SQLiteCell) throws { self = cell.isNull ? nil : try Wrapped(cell) }
}

private struct SQLiteColumnKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
