import Hummingbird
import NIOCore
import Synchronization

/// Tells whether a request's client has gone: the connection's input was closed (the client sent FIN while the
/// request was in flight) or the connection dropped. Hummingbird does not cancel a handler when that happens, so
/// without this a request whose client has left would keep walking the fallback chain and paying providers.
///
/// The server's connection (`DirectHTTP1Channel`) fires its signal when its client goes, and cancels the task that
/// answers its requests then, and when a shutdown's drain time is over (``Drain``); ``ShutdownAnswerMiddleware``
/// answers a request cancelled by the drain with 503. Keep-alive connections are unaffected.
public final class DisconnectRegistry: Sendable {
    private let signals = Mutex<[ObjectIdentifier: OnceSignal]>([:])

    public init() {}

    /// Records `channel`'s signal, while the connection is open.
    public func add(_ signal: OnceSignal, for channel: any Channel) {
        signals.withLock { $0[ObjectIdentifier(channel)] = signal }
    }

    /// Forgets `channel` (it closed).
    public func remove(_ channel: any Channel) {
        _ = signals.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// - Parameter channel: A connection.
    /// - Returns: Its signal, while the connection is open.
    public func signal(for channel: any Channel) -> OnceSignal? {
        signals.withLock { $0[ObjectIdentifier(channel)] }
    }
}

/// A signal that fires once and runs the callbacks registered before: a connection's "the client has gone", the
/// process's "the drain time is over".
public final class OnceSignal: Sendable {
    private struct State {
        var fired = false
        var nextID = 0
        var callbacks: [Int: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `callback` once when the signal fires.
    /// - Returns: A handle for ``remove(_:)``, or nil when it has fired already (the callback did not run).
    public func onFire(_ callback: @escaping @Sendable () -> Void) -> Int? {
        state.withLock { state in
            guard !state.fired else { return nil }
            state.nextID += 1
            state.callbacks[state.nextID] = callback
            return state.nextID
        }
    }

    public func remove(_ id: Int) {
        _ = state.withLock { $0.callbacks.removeValue(forKey: id) }
    }

    public var hasFired: Bool { state.withLock { $0.fired } }

    public func fire() {
        let callbacks = state.withLock { state -> [@Sendable () -> Void] in
            guard !state.fired else { return [] }
            state.fired = true
            defer { state.callbacks = [:] }
            return Array(state.callbacks.values)
        }
        for callback in callbacks { callback() }
    }
}

/// A request context that knows its connection.
public protocol ConnectionAwareContext: RequestContext {
    /// The connection the request arrived on (a test channel under the router test framework).
    var channel: (any Channel)? { get }
}

/// Answers 503 `shutting_down` with `Retry-After` for a request that a shutdown's drain cancelled (its time was
/// over; ``Drain``), so that a client (or a load balancer) retries elsewhere instead of seeing a reset; a chat turn
/// cancelled so releases its hold and stores nothing. The cancelling is the connection's: the server's channel cancels
/// the task answering a connection's requests when its client goes (the gateway's chain walk and the chat flow stop at
/// once: no further upstream attempt starts, and a backoff sleep ends) and when the drain time is over. Nothing is
/// done per request unless it fails.
public struct ShutdownAnswerMiddleware<Context: ConnectionAwareContext>: RouterMiddleware {
    let registry: DisconnectRegistry
    let drain: Drain

    /// - Parameters:
    ///   - registry: The registry the server's connections report to (a client gone is answered nothing).
    ///   - drain: The process's shutdown drain.
    public init(registry: DisconnectRegistry, drain: Drain) {
        self.registry = registry
        self.drain = drain
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            guard drain.expired.hasFired, Task.isCancelled, let channel = context.channel,
                registry.signal(for: channel)?.hasFired != true
            else { throw error }
            throw APIError.temporarilyUnavailable(
                code: "shutting_down", retryAfterSeconds: 1,
                message: "This server is restarting and could not finish the request; it was not completed. "
                    + "Please retry.")
        }
    }
}

/// A process's shutdown drain: from ``begin(grace:)`` in-flight requests have `grace` to finish; then the signal
/// ``expired`` fires: the server's connections cancel what they are still answering, and
/// ``ShutdownAnswerMiddleware`` answers it.
public final class Drain: Sendable {
    /// How long a connection may still bring a request after the shutdown began: a server closes a connection with
    /// no request in progress at once when asked to quiesce, which resets a client whose request was already sent on
    /// a connection just accepted (or on an idle keep-alive connection) but not read yet. Held back, that request is
    /// read and answered, and the connection closes after it.
    public static let quiesceDelay = TimeAmount.milliseconds(300)

    /// Fires when the drain time is over.
    public let expired = OnceSignal()
    private let started = Mutex(false)
    private let listener = Mutex<(any Channel)?>(nil)

    public init() {}

    /// Remembers the server's listening channel (the application's `onServerRunning`).
    public func listening(_ channel: any Channel) {
        listener.withLock { $0 = channel }
    }

    /// Stops accepting connections without closing the listener, then waits `settle` for accepts already under way
    /// to finish, so that the close that follows races with no accept. (Under Hummingbird's own `HTTP1Channel`, a
    /// connection's async wrapper dropped that way trapped in NIO: `Deinited NIOAsyncWriter without calling
    /// finish()`; the service's channel has no such wrapper.) Connections still waiting in the kernel's queue are
    /// refused when the listener closes.
    public func stopAccepting(settle: Duration = .milliseconds(50)) async {
        guard let channel = listener.withLock({ $0 }) else { return }
        try? await channel.setOption(ChannelOptions.autoRead, value: false).get()
        try? await Task.sleep(for: settle)
    }

    /// Starts the drain clock (once; later calls do nothing).
    public func begin(grace: Duration) {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        Task { [expired] in
            try? await Task.sleep(for: grace)
            expired.fire()
        }
    }
}
