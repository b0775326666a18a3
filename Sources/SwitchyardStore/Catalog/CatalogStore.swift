import FluentKit
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SwitchyardCore

/// Bots, LLM configs, prompts and users, on Fluent; it also runs the migrations. Repositories return plain values;
/// rows never leave this module.
///
/// On SQLite, Fluent writes through one connection of its own and reads through a separate pool, and its writes
/// take the ``WriteGate`` that the chat store's writes take too. On PostgreSQL one pool serves everything (the chat
/// store borrows it).
public final class CatalogStore: Sendable {
    let databases: Databases
    /// SQLite only: the separate pool for Fluent's reads.
    private let readDatabases: Databases?
    let writes: any Database
    let isPostgres: Bool
    private let logger: Logger
    /// SQLite only: one writer at a time across Fluent and the chat engine.
    private let writeGate: WriteGate?
    /// The hot path's reads (the user lookup of every request), borrowed from the chat store.
    let statements: any StatementReader

    private init(
        databases: Databases, readDatabases: Databases?, writeLoop: any EventLoop, writeGate: WriteGate?,
        statements: any StatementReader, logger: Logger
    ) throws {
        let writes = try databases.handle(logger: logger, on: writeLoop)
        self.databases = databases
        self.readDatabases = readDatabases
        self.writes = writes
        self.isPostgres = writeGate == nil
        self.writeGate = writeGate
        self.statements = statements
        self.logger = logger
    }

    /// The SQLite catalog, on a file that the chat engine has put in WAL mode.
    static func sqlite(
        path: String, writeGate: WriteGate, statements: any StatementReader, logger: Logger
    ) async throws -> CatalogStore {
        let databases = Databases(threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 1, sqlLogLevel: nil), as: .sqlite)
        let readDatabases = Databases(threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton)
        readDatabases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 2, sqlLogLevel: nil), as: .sqlite)
        do {
            // Fluent's writes stay on one event loop, so on the one connection of that loop's pool.
            let store = try CatalogStore(
                databases: databases, readDatabases: readDatabases,
                writeLoop: MultiThreadedEventLoopGroup.singleton.next(), writeGate: writeGate, statements: statements,
                logger: logger)
            // Per connection, as on the chat engine's writer.
            let sql = try store.writeSQL()
            try await sql.raw("PRAGMA synchronous=NORMAL").run()
            try await sql.raw("PRAGMA foreign_keys=ON").run()
            return store
        } catch {
            await readDatabases.shutdownAsync()
            await databases.shutdownAsync()
            throw error
        }
    }

    /// The PostgreSQL catalog, on pools it shares with the chat store (and shuts down).
    static func postgres(
        databases: Databases, statements: any StatementReader, logger: Logger
    ) throws -> CatalogStore {
        try CatalogStore(
            databases: databases, readDatabases: nil, writeLoop: MultiThreadedEventLoopGroup.singleton.next(),
            writeGate: nil, statements: statements, logger: logger)
    }

    /// A database handle for reads, on any event loop.
    func reads() throws -> any Database {
        try (readDatabases ?? databases).handle(logger: logger)
    }

    /// The read handle as SQL, for the reads that skip Fluent's model layer.
    func readSQL() throws -> any SQLDatabase {
        guard let sql = try reads() as? any SQLDatabase else { throw StoreError.notFound("an SQL database") }
        return sql
    }

    private func writeSQL() throws -> any SQLDatabase {
        guard let sql = writes as? any SQLDatabase else { throw StoreError.notFound("an SQL database") }
        return sql
    }

    /// Runs the migrations that have not run yet.
    public func migrate() async throws {
        try await migrate(first: SwitchyardMigrations.all.count)
    }

    /// Runs the first `count` migrations that have not run yet (tests of a migration stop before it).
    func migrate(first count: Int) async throws {
        let migrations = Migrations()
        migrations.add(Array(SwitchyardMigrations.all.prefix(count)))
        // The store's logger passes only critical lines (see `Store.open`); the migrator's progress is worth reading.
        var progress = logger
        progress.logLevel = .info
        let migrator = Migrator(
            databases: databases, migrations: migrations, logger: progress,
            on: MultiThreadedEventLoopGroup.singleton.any())
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    /// Closes every connection of its pools.
    public func shutdown() async {
        await readDatabases?.shutdownAsync()
        await databases.shutdownAsync()
    }

    /// Runs `body` in a transaction on the writer.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard let writeGate else { return try await writes.transaction { try await body($0) } }
        return try await writeGate.run { try await self.writes.transaction { try await body($0) } }
    }

    /// Locks a row for the rest of the transaction, on PostgreSQL (SQLite already has one writer).
    func lock(table: String, id: UUID, on database: any Database) async throws {
        guard isPostgres, let sql = database as? any SQLDatabase else { return }
        try await sql.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id) FOR UPDATE").run()
    }
}
