import Foundation
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
    private let writeGate: WriteGate

    /// - Parameters:
    ///   - path: The database file; the engine puts it in WAL mode.
    ///   - writeGate: The gate shared with the catalog.
    init(path: String, writeGate: WriteGate) throws {
        let engine = try SQLiteEngine(path: path, readers: max(2, min(System.coreCount, 8)))
        self.engine = engine
        self.writeGate = writeGate
        turnBatcher = TurnBatcher { turns in
            guard turns.contains(where: { $0.settlement != nil }) else {
                // Free turns: the whole batch in one trip to the writer.
                return try await writeGate.run {
                    try await engine.write { connection in
                        try connection.transaction { try connection.writeTurns(turns) }
                    }
                    return Array(repeating: TurnReceipt.free, count: turns.count)
                }
            }
            return try await Self.writeTransaction(engine: engine, gate: writeGate) { tx in
                var settled = turns
                let receipts = try await Self.settle(&settled, now: Date(), on: tx)
                try await engine.write { [settled] connection in try connection.writeTurns(settled) }
                return receipts
            }
        }
    }

    func writeTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any StatementReader) async throws -> T
    )
        async throws -> T
    {
        try await Self.writeTransaction(engine: engine, gate: writeGate, body)
    }

    /// A transaction of several trips to the writer thread, the gate held throughout so nothing else writes between
    /// them.
    private static func writeTransaction<T: Sendable>(
        engine: SQLiteEngine, gate: WriteGate, _ body: @escaping @Sendable (any StatementReader) async throws -> T
    ) async throws -> T {
        try await gate.run {
            try await engine.write { try $0.run(StoreStatement("BEGIN IMMEDIATE")) }
            do {
                let result = try await body(SQLiteWriter(engine: engine))
                try await engine.write { try $0.run(StoreStatement("COMMIT")) }
                return result
            } catch {
                try? await engine.write { try $0.run(StoreStatement("ROLLBACK")) }
                throw error
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

/// Runs statements on the writer connection, inside the transaction that ``SQLiteChatStore`` began.
private struct SQLiteWriter: StatementReader {
    let engine: SQLiteEngine

    func rows<T: Sendable>(
        _ statement: StoreStatement, _ map: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> [T] {
        try await engine.write { connection in try connection.rows(statement) { try map($0) } }
    }
}
