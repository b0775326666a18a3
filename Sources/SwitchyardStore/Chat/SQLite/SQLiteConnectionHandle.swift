// `CSQLiteOptions` re-exports the C library that SQLiteNIO vendors: the same copy of SQLite that Fluent uses, so both
// share one set of POSIX file locks on the database (two copies of SQLite in one process would not).
import CSQLiteOptions
import Foundation
import SQLKit

/// An error from SQLite, with its result code and message (SQL text and bound values are never included).
struct SQLiteEngineError: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    var description: String { "SQLite error \(code): \(message)" }
}

/// One SQLite connection with a cache of prepared statements, keyed by SQL text.
///
/// Not thread-safe: ``SQLiteEngine`` hands each connection to one thread at a time.
final class SQLiteConnectionHandle: @unchecked Sendable {
    private let db: OpaquePointer
    private var statements: [String: PreparedStatement] = [:]
    private var closed = false

    /// Opens (or creates) the file.
    /// - Parameters:
    ///   - path: The database file.
    ///   - pragmas: Run once after opening, e.g. `synchronous=NORMAL`.
    init(path: String, pragmas: [String]) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let opened = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard opened == SQLITE_OK, let handle else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "open failed"
            sqlite_nio_sqlite3_close_v2(handle)
            throw SQLiteEngineError(code: opened, message: message)
        }
        db = handle
        // Wait (sleeping, not spinning) while another connection holds the write lock.
        sqlite_nio_sqlite3_busy_timeout(db, 5000)
        // Plans that do not depend on bound values: otherwise binding a new value can mark a cached statement for
        // a full re-prepare on its next step (measured on the bot and history queries: every run).
        let stable = switchyard_sqlite_enable_qpsg(db)
        guard stable == SQLITE_OK else { throw failure(stable) }
        for pragma in pragmas { try execute("PRAGMA \(pragma)") }
    }

    deinit {
        close()
    }

    /// Finalizes the cached statements and closes the connection; nothing may run on it afterwards. The last
    /// connection to close checkpoints the WAL and removes it.
    func close() {
        guard !closed else { return }
        closed = true
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.handle) }
        statements = [:]
        sqlite_nio_sqlite3_close_v2(db)
    }

    /// Runs `statement` and maps each row.
    func rows<T>(_ statement: StoreStatement, _ map: (SQLiteStatementRow) throws -> T) throws -> [T] {
        let prepared = try prepare(statement.sql)
        defer { prepared.reset() }
        try bind(statement.binds, to: prepared)
        var result: [T] = []
        while try step(prepared) {
            result.append(try map(SQLiteStatementRow(statement: prepared)))
        }
        return result
    }

    /// Runs `statement`, ignoring any rows.
    func run(_ statement: StoreStatement) throws {
        let prepared = try prepare(statement.sql)
        defer { prepared.reset() }
        try bind(statement.binds, to: prepared)
        while try step(prepared) {}
    }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`), rolled back if it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try run(StoreStatement("BEGIN IMMEDIATE"))
        do {
            let result = try body()
            try run(StoreStatement("COMMIT"))
            return result
        } catch {
            try? run(StoreStatement("ROLLBACK"))
            throw error
        }
    }

    /// How many times SQLite re-prepared the cached statement for `sql` (nil when it is not cached).
    func reprepareCount(of sql: String) -> Int32? {
        statements[sql].map { sqlite_nio_sqlite3_stmt_status($0.handle, SQLITE_STMTSTATUS_REPREPARE, 0) }
    }

    private func execute(_ sql: String) throws {
        let code = sqlite_nio_sqlite3_exec(db, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw failure(code) }
    }

    private func prepare(_ sql: String) throws -> PreparedStatement {
        if let cached = statements[sql] { return cached }
        var handle: OpaquePointer?
        let code = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else { throw failure(code) }
        let prepared = PreparedStatement(handle: handle)
        statements[sql] = prepared
        return prepared
    }

    private func bind(_ binds: [StoreBind], to statement: PreparedStatement) throws {
        let handle = statement.handle
        for (offset, bind) in binds.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch bind {
            case .text(let value?): code = bindText(value, handle, index)
            case .uuid(let value?): code = bindText(value.uuidString, handle, index)
            case .integer(let value?): code = sqlite_nio_sqlite3_bind_int64(handle, index, value)
            case .real(let value?): code = sqlite_nio_sqlite3_bind_double(handle, index, value)
            case .date(let value?): code = sqlite_nio_sqlite3_bind_double(handle, index, value.timeIntervalSince1970)
            case .bool(let value?): code = sqlite_nio_sqlite3_bind_int64(handle, index, value ? 1 : 0)
            case .text(nil), .uuid(nil), .integer(nil), .real(nil), .date(nil), .bool(nil):
                code = sqlite_nio_sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw failure(code) }
        }
    }

    private func bindText(_ text: String, _ handle: OpaquePointer, _ index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            sqlite_nio_sqlite3_bind_text64(
                handle, index, UnsafeRawPointer(bytes.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) },
                UInt64(bytes.count), sqliteTransient, UInt8(SQLITE_UTF8))
        }
    }

    /// - Returns: Whether a row is ready.
    private func step(_ statement: PreparedStatement) throws -> Bool {
        switch sqlite_nio_sqlite3_step(statement.handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw failure(code)
        }
    }

    private func failure(_ code: Int32) -> SQLiteEngineError {
        SQLiteEngineError(
            code: sqlite_nio_sqlite3_extended_errcode(db), message: String(cString: sqlite_nio_sqlite3_errmsg(db)))
    }
}

/// A prepared statement and the index of each result column by name. Used only on the thread that holds its
/// connection (``SQLRow`` requires `Sendable` of the row that wraps it).
final class PreparedStatement: @unchecked Sendable {
    let handle: OpaquePointer
    private var columnIndexes: [String: Int32] = [:]
    private var columnCount: Int32 = -1

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    /// The result columns by name (the first one of each name). Read again if the column count changed: SQLite
    /// re-prepares a statement after a schema change, and `SELECT *` may then have more columns.
    var columns: [String: Int32] {
        let count = sqlite_nio_sqlite3_column_count(handle)
        if count != columnCount {
            var columns: [String: Int32] = [:]
            for index in 0..<count {
                guard let name = sqlite_nio_sqlite3_column_name(handle, index) else { continue }
                let key = String(cString: name)
                if columns[key] == nil { columns[key] = index }
            }
            columnIndexes = columns
            columnCount = count
        }
        return columnIndexes
    }

    /// Ready to run again: bindings cleared, so no value outlives its statement.
    func reset() {
        sqlite_nio_sqlite3_reset(handle)
        sqlite_nio_sqlite3_clear_bindings(handle)
    }
}

/// SQLite copies bound text before the call returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
