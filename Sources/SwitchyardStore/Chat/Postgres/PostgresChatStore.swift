import FluentKit
import Foundation
import Logging
import PostgresNIO
import SQLKit
import SwitchyardCore

/// The chat store on PostgreSQL: the turn's statements run through PostgresNIO directly (typed binds, binary row
/// decoding) on the catalog's connection pool, and a batch of turns is one transaction that locks the sessions it
/// continues (see `writeTurns`), so that replicas sharing the database number messages without gaps.
final class PostgresChatStore: StatementChatStore {
    private let databases: Databases
    private let logger: Logger
    let batcher: WriteBatcher

    /// - Parameters:
    ///   - databases: The catalog's PostgreSQL pools (owned, and shut down, by the catalog).
    ///   - logger: The store's logger.
    init(databases: Databases, logger: Logger) throws {
        self.databases = databases
        self.logger = logger
        let writes = try databases.handle(logger: logger)
        batcher = WriteBatcher { batch in
            try await writes.transaction { db in
                try await Self.apply(batch, on: PostgresTransaction(database: db)) { turns in
                    try await Self.writeTurns(turns, on: db)
                }
            }
        }
    }

    func writeTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any StatementReader) async throws -> T
    )
        async throws -> T
    {
        try await databases.handle(logger: logger).transaction { db in
            try await body(PostgresTransaction(database: db))
        }
    }

    func rows<T: Sendable>(
        _ statement: StoreStatement, _ map: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> [T] {
        try await Self.postgresRows(statement, on: try databases.handle(logger: logger), map)
    }

    /// The pool belongs to the catalog.
    func shutdown() async {}

    /// Statements on the pool run one by one, each its own transaction: a hold is one statement (see
    /// `LedgerStatements.placeHoldAtOnce`).
    var hasWritableCTEs: Bool { true }

    /// A hold is one atomic statement, so it runs on any pooled connection beside other holds instead of waiting
    /// in the group commit: PostgreSQL's row lock on the wallet orders holds of one wallet, and its own group commit
    /// shares the WAL flushes.
    func placeHold(_ request: HoldRequest, now: Date) async throws -> HoldOutcome {
        do {
            return try await Ledger.placeHold(request, now: now, on: self)
        } catch  where StoreError.isUniqueViolation(error) {
            // The pending-request index refused a second hold with this key: a copy of the request holds.
            return .inFlight
        }
    }

    /// A paid turn is its own transaction (settlement, then the turn's rows) on any pooled connection, so that paid
    /// turns commit side by side; free turns join the group commit.
    func saveTurn(
        newSession: ChatSession?, user: StoredMessage, reply: StoredMessage, settlement: Settlement?
    ) async throws -> TurnReceipt {
        let turn = PendingTurn(newSession: newSession, user: user, reply: reply, settlement: settlement)
        guard settlement != nil else {
            guard case .turn(let receipt) = try await batcher.submit(.turn(turn)) else {
                throw StoreError.notFound("turn receipt")
            }
            return receipt
        }
        let writes = try databases.handle(logger: logger)
        do {
            return try await writes.transaction { db in
                let results = try await Self.apply([.turn(turn)], on: PostgresTransaction(database: db)) {
                    try await Self.writeTurns($0, on: db)
                }
                guard case .turn(let receipt) = results.first else { throw StoreError.notFound("turn receipt") }
                return receipt
            }
        } catch {
            throw StoreError.classify(error, conflict: "chat turn")
        }
    }

    /// Runs `statement` through PostgresNIO (inside `database`'s transaction, if it is one) and maps its rows.
    static func postgresRows<T>(
        _ statement: StoreStatement, on database: any Database, _ map: (any SQLRow) throws -> T = { _ in () }
    ) async throws -> [T] {
        guard let postgres = database as? any PostgresDatabase else { throw StoreError.notFound("PostgreSQL") }
        let query = statement.postgresQuery
        return try await postgres.withConnection { $0.query(query, logger: database.logger) }.get().rows.map {
            try map(PostgresStatementRow($0))
        }
    }
}

/// Runs statements on the connection of a transaction that Fluent began.
private struct PostgresTransaction: StatementReader {
    let database: any Database
    var hasWritableCTEs: Bool { true }

    func rows<T: Sendable>(
        _ statement: StoreStatement, _ map: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> [T] {
        try await PostgresChatStore.postgresRows(statement, on: database, map)
    }
}
