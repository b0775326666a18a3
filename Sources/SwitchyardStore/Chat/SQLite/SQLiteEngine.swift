import Foundation
import NIOConcurrencyHelpers
import NIOPosix

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
            path: path, pragmas: ["journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"])
        readers = NIOLockedValueBox(
            try (0..<readerCount).map { _ in try SQLiteConnectionHandle(path: path, pragmas: ["query_only=ON"]) })
        writerThread = NIOThreadPool(numberOfThreads: 1)
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

    /// Stops the threads, then closes the connections.
    func shutdown() async {
        try? await writerThread.shutdownGracefully()
        try? await readerThreads.shutdownGracefully()
        writer.close()
        readers.withLockedValue { connections in connections.forEach { $0.close() } }
    }
}
