import Foundation
import PostgresNIO
import SQLKit

/// A PostgreSQL row as an `SQLRow`, so the row mappers in `SQLRow+Values.swift` serve both databases. Columns are
/// decoded with PostgresNIO's binary decoders, not through `Codable` as SQLKit's rows are (that was a fifth of a
/// continuing turn's CPU); JSON columns and other `Decodable` values are read as text and decoded as JSON.
struct PostgresStatementRow: SQLRow {
    private let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    var allColumns: [String] { (0..<row.count).map { row[$0].columnName } }

    func contains(column: String) -> Bool { row.contains(column) }

    func decodeNil(column: String) throws -> Bool { try cell(column).bytes == nil }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        let cell = try cell(column)
        if let decodable = type as? any PostgresDecodable.Type {
            return try Self.decode(cell, as: decodable) as! D
        }
        return try JSONDecoder().decode(D.self, from: Data(try cell.decode(String.self).utf8))
    }

    private static func decode<T: PostgresDecodable>(_ cell: PostgresCell, as type: T.Type) throws -> T {
        try cell.decode(T.self)
    }

    private func cell(_ column: String) throws -> PostgresCell {
        guard row.contains(column) else {
            throw DecodingError.valueNotFound(
                Any.self, .init(codingPath: [], debugDescription: "No column '\(column)' in the result."))
        }
        return row[column]
    }
}
