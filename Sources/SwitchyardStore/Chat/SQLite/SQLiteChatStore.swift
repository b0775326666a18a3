import NIOCore
import NIOPosix
import SQLKit
import SwitchyardCore

/// The chat store on SQLite: every statement runs on ``SQLiteEngine`` (prepared once per connection, one thread hop
/// per read or write), and a batch of turns is one transaction on its writer, taken through the ``WriteGate`` that
/// it shares with the catalog's Fluent writes.
final class SQLiteChatStore: StatementChatStore {
    let engine: SQLiteEngine
    let turnBatcher: TurnBatcher

    /// - Parameters:
    ///   - path: The database file; the engine puts it in WAL mode.
    ///   - writeGate: The gate shared with the catalog.
    init(path: String, writeGate: WriteGate) throws {
        let engine = try SQLiteEngine(path: path, readers: max(2, min(System.coreCount, 8)))
        self.engine = engine
        turnBatcher = TurnBatcher { turns in
            try await writeGate.run {
                try await engine.write { connection in
                    try connection.transaction { try connection.writeTurns(turns) }
                }
            }
        }
    }

    func rows<T: Sendable>(
        _ statement: StoreStatement, _ map: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> [T] {
        try await engine.read { connection in try connection.rows(statement) { try map($0) } }
    }

    func shutdown() async {
        await engine.shutdown()
    }
}
