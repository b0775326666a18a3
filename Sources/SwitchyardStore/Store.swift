import FluentKit
import FluentPostgresDriver
import Foundation
import Logging
import NIOPosix
import SwitchyardCore

/// Where the backend keeps its data.
public enum StoreConfiguration: Sendable, Equatable {
    /// A SQLite file, in WAL mode: the embedded default.
    case sqlite(path: String)
    /// PostgreSQL, from a `postgres://user:pass@host:port/db` URL.
    case postgres(url: String)

    /// Where the data is, for log lines: `postgres://host:port/database` without user or password, or the SQLite
    /// file's path.
    public var location: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard let components = URLComponents(string: url), let host = components.host else {
                return "postgres://(unreadable URL)"
            }
            return "postgres://\(host):\(components.port ?? 5432)\(components.path)"
        }
    }
}

/// The backend's data, split by job: the ``CatalogStore`` (bots, configs, prompts, users; migrations) on Fluent, and
/// a ``ChatStore`` (sessions and messages, and the chat turn's one read of bot data) that runs the hot path's
/// statements on the same database without Fluent. ``open(_:logger:)`` is the one place that chooses SQLite or
/// PostgreSQL.
public struct Store: Sendable {
    public let catalog: CatalogStore
    public let chats: any ChatStore
    /// Whether the database answers, and the log of its outages.
    public let availability: DatabaseAvailability

    init(catalog: CatalogStore, chats: any ChatStore, configuration: StoreConfiguration, logger: Logger) {
        self.catalog = catalog
        self.chats = chats
        availability = DatabaseAvailability(location: configuration.location, logger: logger) {
            try await chats.ping()
        }
    }

    /// Opens the store. Nothing is created until ``migrate()`` runs.
    /// - Parameters:
    ///   - configuration: SQLite or PostgreSQL.
    ///   - logger: The store's logger.
    /// - Returns: The store.
    /// - Throws: When the database cannot be opened or the PostgreSQL URL cannot be read.
    public static func open(_ configuration: StoreConfiguration, logger base: Logger) async throws -> Store {
        // Fluent logs each query with its values at debug, and the drivers log SQL with its bound values at trace
        // (chat text, names, birth details); the connection pools log every failed connection attempt at error, once
        // per request during an outage. The drivers' logger passes only critical lines, whatever LOG_LEVEL says:
        // ``DatabaseAvailability`` logs one line per outage, every caller gets the error itself, and migrations log
        // their progress at info (see `CatalogStore.migrate`).
        var logger = base
        logger.logLevel = .critical
        switch configuration {
        case .sqlite(let path):
            // One writer at a time across Fluent's connection and the chat engine's.
            let gate = WriteGate()
            let chats = try SQLiteChatStore(path: path, writeGate: gate)
            do {
                let catalog = try await CatalogStore.sqlite(
                    path: path, writeGate: gate, statements: chats, logger: logger)
                return Store(catalog: catalog, chats: chats, configuration: configuration, logger: base)
            } catch {
                await chats.shutdown()
                throw error
            }
        case .postgres(let url):
            let databases = Databases(threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton)
            databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 8, sqlLogLevel: .trace), as: .psql)
            do {
                let chats = try PostgresChatStore(databases: databases, logger: logger)
                return Store(
                    catalog: try CatalogStore.postgres(databases: databases, statements: chats, logger: logger),
                    chats: chats, configuration: configuration, logger: base)
            } catch {
                await databases.shutdownAsync()
                throw error
            }
        }
    }

    /// Runs the migrations that have not run yet.
    public func migrate() async throws {
        try await catalog.migrate()
    }

    /// Closes every connection: the chat store's, then the catalog's pools.
    public func shutdown() async {
        await chats.shutdown()
        await catalog.shutdown()
    }
}
