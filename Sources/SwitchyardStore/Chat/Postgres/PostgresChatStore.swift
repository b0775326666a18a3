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
    let turnBatcher: TurnBatcher

    /// - Parameters:
    ///   - databases: The catalog's PostgreSQL pools (owned, and shut down, by the catalog).
    ///   - logger: The store's logger.
    init(databases: Databases, logger: Logger) throws {
        self.databases = databases
        self.logger = logger
        let writes = try databases.handle(logger: logger)
        turnBatcher = TurnBatcher { turns in
            try await writes.transaction { db in
                var settled = turns
                let receipts = try await Self.settle(&settled, now: Date(), on: PostgresTransaction(database: db))
                try await Self.writeTurns(settled, on: db)
                return receipts
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

    func rows<T: Sendable>(
        _ statement: StoreStatement, _ map: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> [T] {
        try await PostgresChatStore.postgresRows(statement, on: database, map)
    }
}
