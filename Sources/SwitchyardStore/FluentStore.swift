import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// Where the backend keeps its data.
public enum StoreConfiguration: Sendable, Equatable {
    /// A SQLite file, in WAL mode: the embedded default.
    case sqlite(path: String)
    /// PostgreSQL, from a `postgres://user:pass@host:port/db` URL.
    case postgres(url: String)
}

/// The Fluent-backed store. Repositories return plain values; rows never leave this module.
///
/// On SQLite every write goes through one connection (a pool of one, of its own), because SQLite allows one writer
/// at a time and sqlite-kit's busy handler spins; reads have a pool of their own (WAL lets them run beside the
/// writer). On PostgreSQL one pool serves both.
public final class FluentStore: Sendable {
    let databases: Databases
    /// SQLite only: the separate pool for reads.
    private let readDatabases: Databases?
    let writes: any Database
    let isPostgres: Bool
    private let logger: Logger
    /// SQLite only: group commit for chat turns.
    let turnBatcher: TurnBatcher?

    private init(databases: Databases, readDatabases: Databases?, isPostgres: Bool, logger: Logger) {
        self.databases = databases
        self.readDatabases = readDatabases
        self.isPostgres = isPostgres
        self.logger = logger
        let group = MultiThreadedEventLoopGroup.singleton
        var loops = group.makeIterator()
        let writes = databases.database(logger: logger, on: loops.next() ?? group.any())!
        self.writes = writes
        turnBatcher =
            isPostgres
            ? nil
            : TurnBatcher { turns in
                try await writes.transaction { db in
                    try await FluentStore.writeTurns(turns, on: db, lockSessions: false)
                }
            }
    }

    /// The read handle as SQL, for the hot paths that skip Fluent's model layer.
    var readSQL: any SQLDatabase { reads as! any SQLDatabase }

    /// A database handle for reads, on any event loop.
    var reads: any Database {
        (readDatabases ?? databases).database(logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())!
    }

    /// Opens the store. Nothing is created until ``migrate()`` runs.
    /// - Parameters:
    ///   - configuration: SQLite or PostgreSQL.
    ///   - logger: The store's logger.
    /// - Returns: The store.
    /// - Throws: When the PostgreSQL URL cannot be read.
    public static func open(_ configuration: StoreConfiguration, logger: Logger) async throws -> FluentStore {
        let databases = Databases(threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton)
        switch configuration {
        case .sqlite(let path):
            databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 1, sqlLogLevel: nil), as: .sqlite)
            let readDatabases = Databases(threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton)
            readDatabases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 4, sqlLogLevel: nil), as: .sqlite)
            let store = FluentStore(
                databases: databases, readDatabases: readDatabases, isPostgres: false, logger: logger)
            if let sql = store.writes as? any SQLDatabase {
                try await sql.raw("PRAGMA journal_mode=WAL").run()
                // In WAL mode NORMAL syncs at checkpoints, not at every commit: a committed turn survives a crash
                // of the process; only a power loss can take the last commits back.
                try await sql.raw("PRAGMA synchronous=NORMAL").run()
                try await sql.raw("PRAGMA foreign_keys=ON").run()
            }
            return store
        case .postgres(let url):
            databases.use(
                try .postgres(url: url, maxConnectionsPerEventLoop: 8, sqlLogLevel: .trace), as: .psql)
            return FluentStore(databases: databases, readDatabases: nil, isPostgres: true, logger: logger)
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
        await readDatabases?.shutdownAsync()
        await databases.shutdownAsync()
    }

    /// Runs `body` in a transaction on the writer.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await writes.transaction { try await body($0) }
    }

    /// Locks a row for the rest of the transaction, on PostgreSQL (SQLite already has one writer).
    func lock(table: String, id: UUID, on database: any Database) async throws {
        guard isPostgres, let sql = database as? any SQLDatabase else { return }
        try await sql.raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id) FOR UPDATE").run()
    }
}
