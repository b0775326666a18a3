import Foundation
import Logging
import NIOCore
import PostgresNIO
import SQLiteNIO
import Synchronization

/// Whether the database answers, as the requests and probes of this process see it, and the log of its outages: one
/// line when it stops answering, one when it is back (never one per failed request), and during startup one line per
/// failed connection attempt.
public final class DatabaseAvailability: Sendable {
    /// What the process knows.
    public enum State: Sendable, Equatable {
        /// No query has succeeded yet (startup).
        case connecting(failedTries: Int)
        case up
        /// Unreachable since the date.
        case down(since: ContinuousClock.Instant)
    }

    private let state = Mutex(State.connecting(failedTries: 0))
    private let ping: @Sendable () async throws -> Void
    private let logger: Logger
    /// Where the database is, for log lines: host, port and database, never the password.
    public let location: String

    /// - Parameters:
    ///   - location: Where the database is, without credentials (see ``StoreConfiguration/location``).
    ///   - logger: Where the outage lines go.
    ///   - ping: A cheap query (`SELECT 1`).
    public init(location: String, logger: Logger, ping: @escaping @Sendable () async throws -> Void) {
        self.location = location
        self.logger = logger
        self.ping = ping
    }

    public var current: State { state.withLock { $0 } }

    /// Whether the last query or probe succeeded.
    public var isUp: Bool { current == .up }

    /// Runs the cheap query once and records what happened; a cancelled query records nothing.
    /// - Returns: Whether the database answered.
    @discardableResult
    public func probe() async -> Bool {
        do {
            try await ping()
            recovered()
            return true
        } catch is CancellationError {
            // The probe was called off (the process is stopping): it says nothing about the database.
            return false
        } catch {
            // A probe's failure is an outage whatever the error says: the query cannot fail otherwise.
            markDown(reason: Self.reason(error))
            return false
        }
    }

    /// Probes until the database answers, waiting 250 ms after the first failed try and doubling up to 5 s (each
    /// failed try is logged with the location, never the password).
    /// - Parameter limit: How long to keep trying; nil for as long as the task runs.
    /// - Returns: Whether it answered in time (false also when the task is cancelled).
    public func connect(within limit: Duration? = nil) async -> Bool {
        let deadline = limit.map { ContinuousClock.now + $0 }
        var pause = Duration.milliseconds(250)
        while !Task.isCancelled {
            if await probe() { return true }
            if let deadline {
                let left = deadline - ContinuousClock.now
                guard left > .zero else { return false }
                pause = min(pause, left)
            }
            do { try await Task.sleep(for: pause) } catch { return false }
            pause = min(pause * 2, .seconds(5))
        }
        return false
    }

    /// Records a failed request's error.
    /// - Returns: Whether the error says the database cannot be reached (the caller answers 503); other errors
    ///   change nothing.
    public func observe(_ error: any Error) -> Bool {
        guard Self.isUnreachable(error) else { return false }
        markDown(reason: Self.reason(error))
        return true
    }

    private func markDown(reason: String) {
        let now = ContinuousClock.now
        let line: Logger.Message? = state.withLock { state in
            switch state {
            case .connecting(let tries):
                state = .connecting(failedTries: tries + 1)
                return "could not connect to the database at \(location) (try \(tries + 1)): \(reason)"
            case .up:
                state = .down(since: now)
                return "the database at \(location) stopped answering (\(reason)); answering 503 until it is back"
            case .down:
                return nil
            }
        }
        if let line { logger.error(line) }
    }

    private func recovered() {
        let now = ContinuousClock.now
        let line: Logger.Message? = state.withLock { state in
            defer { state = .up }
            switch state {
            case .connecting: return "connected to the database at \(location)"
            case .down(let since):
                let seconds =
                    Double((now - since).components.seconds)
                    + Double((now - since).components.attoseconds) / 1e18
                return "the database at \(location) is back after \(String(format: "%.1f", seconds)) s"
            case .up: return nil
            }
        }
        if let line { logger.notice(line) }
    }

    /// Whether an error means that the database cannot be reached, as opposed to a query it refused: the connection
    /// was refused, reset or closed, the pool timed out waiting for one, or the server is shutting down or starting.
    /// - Parameter error: An error from any store call.
    public static func isUnreachable(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                // admin_shutdown, crash_shutdown, cannot_connect_now; too_many_connections
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("57P") || state == "53300"
            default:
                return error.underlying.map(isUnreachable) ?? false
            }
        case let error as SQLiteEngineError:
            return unreachableSQLiteCodes.contains(error.code & 0xff)
        case let error as SQLiteError:
            return [.busy, .locked, .ioError, .full, .cantOpen].contains(error.reason)
        case is ChannelError, is IOError, is NIOConnectionError:
            return true
        default:
            // AsyncKit's pool errors (a dependency of the drivers, not of this module).
            let name = String(describing: type(of: error))
            return name == "ConnectionPoolTimeoutError" || name == "ConnectionPoolError"
        }
    }

    /// SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN.
    private static let unreachableSQLiteCodes: Set<Int32> = [5, 6, 10, 13, 14]

    /// A short reason for the log: the error's type and code, never a query or its values.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            if let state = error.serverInfo?[.sqlState] { return "PostgreSQL \(state)" }
            return error.underlying.map(reason) ?? "\(error.code)"
        case let error as SQLiteEngineError: return "SQLite error \(error.code)"
        case let error as IOError: return "\(error.description)"
        default: return String(describing: type(of: error)) + (error is CancellationError ? "" : ": \(error)")
        }
    }
}
