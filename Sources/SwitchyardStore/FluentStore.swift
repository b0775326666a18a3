import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SQLKit
import SwitchyardCore

/// Where the backend keeps its data.
public enum StoreConfiguration: Sendable, Equatable {
    /// A SQLite file, in WAL mode: the embedded default.
    case sqlite(path: String)
    /// PostgreSQL, from a `postgres://user:pass@host:port/db` URL.
    case postgres(url: String)
}

/// The Fluent-backed store. Repositories return plain values; rows never leave this module.
///
/// Fluent runs the migrations and the admin API on both databases. On SQLite the chat turn's own reads and writes
/// go through ``SQLiteEngine`` (prepared statements reused, one thread hop per read or write), and Fluent's writes
/// go through one connection of their own; a ``WriteGate`` lets one of the two write at a time. On PostgreSQL one
/// Fluent pool serves everything, and the same hot-path ``StoreStatement``s run through PostgresNIO directly.
public final class FluentStore: Sendable {
    let databases: Databases
    /// SQLite only: the separate pool for Fluent's reads.
    private let readDatabases: Databases?
    let writes: any Database
    let isPostgres: Bool
    private let logger: Logger
    /// SQLite only: the chat turn's connections.
    let engine: SQLiteEngine?
    /// SQLite only: one writer at a time across Fluent and the engine.
    private let writeGate: WriteGate?
    /// Group commit for chat turns.
    let turnBatcher: TurnBatcher

    private init(
        databases: Databases, readDatabases: Databases?, engine: SQLiteEngine?, writeLoop: any EventLoop,
        logger: Logger
    ) {
        self.databases = databases
        self.readDatabases = readDatabases
        self.engine = engine
        self.isPostgres = engine == nil
        self.logger = logger
        let writes = databases.database(logger: logger, on: writeLoop)!
        self.writes = writes
        guard let engine else {
            writeGate = nil
            turnBatcher = TurnBatcher { turns in
                try await writes.transaction { try await FluentStore.writeTurns(turns, on: $0) }
            }
            return
        }
        let gate = WriteGate()
        writeGate = gate
        turnBatcher = TurnBatcher { turns in
            try await gate.run {
                try await engine.write { connection in
                    try connection.transaction { try connection.writeTurns(turns) }
                }
            }
        }
    }

    /// The read handle as SQL, for the hot paths that skip Fluent's model layer.
    func readSQL() throws -> any SQLDatabase {
        guard let sql = try reads() as? any SQLDatabase else { throw StoreError.notFound("an SQL database") }
        return sql
    }

    /// A database handle for reads, on any event loop.
    func reads() throws -> any Database {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        guard let database = (readDatabases ?? databases).database(logger: logger, on: loop) else {
            throw StoreError.notFound("the configured database")
        }
        return database
    }

    /// Runs a read statement and maps its rows: through the engine on SQLite, through PostgresNIO on PostgreSQL.
    func rows<T: Sendable>(
        _ statement: StoreStatement, _ map: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> [T] {
        if let engine {
            return try await engine.read { connection in try connection.rows(statement) { try map($0) } }
        }
        return try await Self.postgresRows(statement, on: try reads(), map)
    }

    /// Runs `statement` on PostgreSQL through PostgresNIO (inside `database`'s transaction, if it is one) and maps
    /// its rows.
    static func postgresRows<T>(
        _ statement: StoreStatement, on database: any Database, _ map: (any SQLRow) throws -> T = { _ in () }
    ) async throws -> [T] {
        guard let postgres = database as? any PostgresDatabase else { throw StoreError.notFound("PostgreSQL") }
        let query = statement.postgresQuery
        return try await postgres.withConnection { $0.query(query, logger: database.logger) }.get().rows.map {
            try map(PostgresStatementRow($0))
        }
    }

    /// Opens the store. Nothing is created until ``migrate()`` runs.
    /// - Parameters:
    ///   - configuration: SQLite or PostgreSQL.
    ///   - logger: The store's logger.
    /// - Returns: The store.
    /// - Throws: When the PostgreSQL URL cannot be read.
    public static func open(_ configuration: StoreConfiguration, logger base: Logger) async throws -> FluentStore {
        // Fluent logs each query with its values at debug, and the drivers log SQL with its bound values at trace
        // (chat text, names, birth details): the store's logger never goes below info, so those lines are never
        // written, whatever LOG_LEVEL says.
        var logger = base
        logger.logLevel = max(logger.logLevel, .info)
        let databases = Databases(threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton)
        switch configuration {
        case .sqlite(let path):
            databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 1, sqlLogLevel: nil), as: .sqlite)
            let readDatabases = Databases(threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton)
            readDatabases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 2, sqlLogLevel: nil), as: .sqlite)
            // Fluent's writes stay on one event loop, so on the one connection of that loop's pool.
            let writeLoop = MultiThreadedEventLoopGroup.singleton.next()
            let writes = databases.database(logger: logger, on: writeLoop)!
            if let sql = writes as? any SQLDatabase {
                // WAL is a property of the file; the other pragmas are per connection (the engine sets its own).
                try await sql.raw("PRAGMA journal_mode=WAL").run()
                // In WAL mode NORMAL syncs at checkpoints, not at every commit: a committed turn survives a crash
                // of the process; only a power loss can take the last commits back.
                try await sql.raw("PRAGMA synchronous=NORMAL").run()
                try await sql.raw("PRAGMA foreign_keys=ON").run()
            }
            let engine = try SQLiteEngine(path: path, readers: max(2, min(System.coreCount, 8)))
            return FluentStore(
                databases: databases, readDatabases: readDatabases, engine: engine, writeLoop: writeLoop,
                logger: logger)
        case .postgres(let url):
            databases.use(
                try .postgres(url: url, maxConnectionsPerEventLoop: 8, sqlLogLevel: .trace), as: .psql)
            return FluentStore(
                databases: databases, readDatabases: nil, engine: nil,
                writeLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        }
    }

    /// Runs the migrations that have not run yet.
    public func migrate() async throws {
        let migrations = Migrations()
        migrations.add(SwitchyardMigrations.all)
        let migrator = Migrator(
            databases: databases, migrations: migrations, logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any())
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    /// Closes every connection.
    public func shutdown() async {
        await engine?.shutdown()
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
