import FluentKit
import FluentPostgresDriver
import Logging
import NIOPosix
import SwitchyardCore

/// Where the backend keeps its data.
public enum StoreConfiguration: Sendable, Equatable {
    /// A SQLite file, in WAL mode: the embedded default.
    case sqlite(path: String)
    /// PostgreSQL, from a `postgres://user:pass@host:port/db` URL.
    case postgres(url: String)
}

/// The backend's data, split by job: the ``CatalogStore`` (bots, configs, prompts, users; migrations) on Fluent, and
/// a ``ChatStore`` (sessions and messages, and the chat turn's one read of bot data) that runs the hot path's
/// statements on the same database without Fluent. ``open(_:logger:)`` is the one place that chooses SQLite or
/// PostgreSQL.
public struct Store: Sendable {
    public let catalog: CatalogStore
    public let chats: any ChatStore

    /// Opens the store. Nothing is created until ``migrate()`` runs.
    /// - Parameters:
    ///   - configuration: SQLite or PostgreSQL.
    ///   - logger: The store's logger.
    /// - Returns: The store.
    /// - Throws: When the database cannot be opened or the PostgreSQL URL cannot be read.
    public static func open(_ configuration: StoreConfiguration, logger base: Logger) async throws -> Store {
        // Fluent logs each query with its values at debug, and the drivers log SQL with its bound values at trace
        // (chat text, names, birth details): the store's logger never goes below info, so those lines are never
        // written, whatever LOG_LEVEL says.
        var logger = base
        logger.logLevel = max(logger.logLevel, .info)
        switch configuration {
        case .sqlite(let path):
            // One writer at a time across Fluent's connection and the chat engine's.
            let gate = WriteGate()
            let chats = try SQLiteChatStore(path: path, writeGate: gate)
            do {
                let catalog = try await CatalogStore.sqlite(
                    path: path, writeGate: gate, statements: chats, logger: logger)
                return Store(catalog: catalog, chats: chats)
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
                    chats: chats)
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
