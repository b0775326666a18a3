import PostgresNIO
import SQLiteNIO
import SwitchyardCore

extension StoreError {
    /// Whether a database refused a write because a unique constraint or index already holds the value, on either
    /// database and through either path (Fluent, SQLiteNIO, the SQLite engine, PostgresNIO).
    static func isUniqueViolation(_ error: any Error) -> Bool {
        switch error {
        case let error as SQLiteEngineError: error.code & 0xff == 19  // SQLITE_CONSTRAINT and its extended codes
        case let error as SQLiteError: error.reason == .constraint || error.reason == .constraintUniqueFailed
        case let error as PSQLError: error.serverInfo?[.sqlState] == "23505"  // unique_violation
        default: false
        }
    }

    /// The error a caller sees: a unique violation becomes ``StoreError/conflict(_:)``; others pass unchanged.
    static func classify(_ error: any Error, conflict: String) -> any Error {
        isUniqueViolation(error) ? StoreError.conflict(conflict) : error
    }
}
