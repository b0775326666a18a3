import Foundation
import NIOCore
import NIOPosix
import SQLKit
import SwitchyardCore

/// The chat store on SQLite: every statement runs on ``SQLiteEngine`` (prepared once per connection, one thread hop
/// per read or write), and a batch of turns and holds is one transaction on its writer, taken through the
/// ``WriteGate`` that it shares with the catalog's Fluent writes.
final class SQLiteChatStore: StatementChatStore {
    let engine: SQLiteEngine
    let batcher: WriteBatcher
    private let writeGate: WriteGate

    /// - Parameters:
    ///   - path: The database file; the engine puts it in WAL mode.
    ///   - writeGate: The gate shared with the catalog.
    init(path: String, writeGate: WriteGate) throws {
        let engine = try SQLiteEngine(path: path, readers: max(2, min(System.coreCount, 8)))
        self.engine = engine
        self.writeGate = writeGate
        batcher = WriteBatcher { writes in
            guard writes.allSatisfy(\.isFreeTurn) else {
                // Holds and paid turns: the ledger's statements, then the turns, in one transaction on the writer.
                return try await writeGate.run {
                    try await engine.writeTransaction { tx in
                        try await Self.apply(writes, on: tx) { turns in try tx.connection.writeTurns(turns) }
                    }
                }
            }
            // Free turns only: the whole batch in one trip to the writer.
            let turns = writes.compactMap { write -> PendingTurn? in
                if case .turn(let turn) = write { return turn }
                return nil
            }
            return try await writeGate.run {
                try await engine.write { connection in
                    try connection.transaction { try connection.writeTurns(turns) }
                }
                return Array(repeating: BatchedResult.turn(.free), count: turns.count)
            }
        }
    }

    func writeTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any StatementReader) async throws -> T
    )
        async throws -> T
    {
        try await writeGate.run { try await engine.writeTransaction { try await body($0) } }
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
