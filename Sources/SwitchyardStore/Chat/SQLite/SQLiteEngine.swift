import Foundation
import NIOConcurrencyHelpers
import NIOPosix
import SQLKit

/// Runs the chat turn's statements on SQLite without Fluent's per-statement and per-row costs: each read or write
/// is one hop to a thread that owns a connection, every statement is prepared once per connection and reused, and
/// rows are decoded in place. (Through SQLiteNIO every statement is parsed again and every row is a separate
/// event-loop task; those were a fifth of a turn.)
///
/// One writer connection on a thread of its own serialises writes, since SQLite has one writer at a time; readers
/// run beside it on their own threads (WAL), one connection per thread. Fluent keeps its own connections for
/// migrations and the admin API; the engine's connections wait (`busy_timeout`) rather than fail while one of those
/// holds the write lock.
final class SQLiteEngine: Sendable {
    private let writer: SQLiteConnectionHandle
    private let writerThread: NIOThreadPool
    /// Runs async code on the writer thread (see ``writeTransaction(_:)``).
    let writerExecutor: WriterTaskExecutor
    private let readers: NIOLockedValueBox<[SQLiteConnectionHandle]>
    private let readerThreads: NIOThreadPool

    /// Opens the connections, the writer first: it puts the file in WAL mode (a property of the file), so that the
    /// readers run beside it.
    /// - Parameters:
    ///   - path: The database file.
    ///   - readers: Read connections, each with a thread.
    init(path: String, readers readerCount: Int) throws {
        // In WAL mode NORMAL syncs at checkpoints, not at every commit: a committed turn survives a crash of the
        // process; only a power loss can take the last commits back.
        writer = try SQLiteConnectionHandle(
            path: path,
            pragmas: ["journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"])
        readers = NIOLockedValueBox(
            try (0..<readerCount).map { _ in try SQLiteConnectionHandle(path: path, pragmas: ["query_only=ON"]) })
        writerThread = NIOThreadPool(numberOfThreads: 1)
        writerExecutor = WriterTaskExecutor(thread: writerThread)
        readerThreads = NIOThreadPool(numberOfThreads: readerCount)
        writerThread.start()
        readerThreads.start()
    }

    /// Runs `body` with a read connection, on a reader thread.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnectionHandle) throws -> T) async throws -> T {
        try await readerThreads.runIfActive {
            // As many connections as threads: one is always free here.
            let connection = self.readers.withLockedValue { $0.removeLast() }
            defer { self.readers.withLockedValue { $0.append(connection) } }
            return try body(connection)
        }
    }

    /// Runs `body` with the write connection, on the writer thread; writes run one at a time.
    func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnectionHandle) throws -> T) async throws -> T {
        try await writerThread.runIfActive { try body(self.writer) }
    }

    /// Runs `body` in a write transaction on the writer thread: `body` is async (the ledger chooses its next statement
    /// from the last one's rows) but runs under the writer thread's executor, and each statement it runs through the
    /// ``StatementReader`` it gets runs there at once, with the writer connection. The caller holds the store's
    /// ``WriteGate``. Rolled back if `body` throws.
    func writeTransaction<T: Sendable>(_ body: @Sendable (SQLiteTransaction) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(writerExecutor) {
            let writer = SQLiteTransaction(connection: self.writer)
            try writer.connection.run(StoreStatement("BEGIN IMMEDIATE"))
            do {
                let result = try await body(writer)
                try writer.connection.run(StoreStatement("COMMIT"))
                return result
            } catch {
                try? writer.connection.run(StoreStatement("ROLLBACK"))
                throw error
            }
        }
    }

    /// Stops the threads, then closes the connections.
    func shutdown() async {
        try? await writerThread.shutdownGracefully()
        try? await readerThreads.shutdownGracefully()
        writer.close()
        readers.withLockedValue { connections in connections.forEach { $0.close() } }
    }
}

/// The writer connection, for the statements of a transaction that ``SQLiteEngine/writeTransaction(_:)`` runs on the
/// writer thread (and only there).
struct SQLiteTransaction: StatementReader, @unchecked Sendable {
    let connection: SQLiteConnectionHandle

    func rows<T: Sendable>(
        _ statement: StoreStatement, _ map: @escaping @Sendable (any SQLRow) throws -> T
    ) async throws -> [T] {
        try connection.rows(statement) { try map($0) }
    }
}
