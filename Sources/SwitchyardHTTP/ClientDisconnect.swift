import Hummingbird
import NIOCore
import Synchronization

/// Tells a request's handler that its client has gone: the connection's input was closed (the client sent FIN while
/// the request was in flight) or the connection dropped. Hummingbird does not cancel a handler when that happens, so
/// without this a request whose client has left keeps walking the fallback chain and paying providers.
///
/// A ``DisconnectWatcher`` in each connection's pipeline fires the connection's signal; ``CancelOnDisconnectMiddleware``
/// cancels the handler's task when it fires. Keep-alive connections are unaffected.
public final class DisconnectRegistry: Sendable {
    private let signals = Mutex<[ObjectIdentifier: OnceSignal]>([:])

    public init() {}

    /// The handler for a new connection's pipeline.
    public func makeWatcher() -> DisconnectWatcher {
        DisconnectWatcher(registry: self)
    }

    func add(_ signal: OnceSignal, for channel: any Channel) {
        signals.withLock { $0[ObjectIdentifier(channel)] = signal }
    }

    func remove(_ channel: any Channel) {
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

/// Watches one connection, after the HTTP codec: input closed (with remote half-closure on, as Hummingbird runs) or
/// the connection gone fires its ``OnceSignal``.
///
/// It also holds back the server's "quiesce" event of a shutdown for ``quiesceDelay``: Hummingbird closes a
/// connection with no request in progress at once, which resets a client whose request was already sent on a
/// connection just accepted (or on an idle keep-alive connection) but not read yet. Held back, that request is read
/// and answered, and the connection closes after it. Everything else passes through unchanged.
public final class DisconnectWatcher: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny

    /// How long a connection may still bring a request after the shutdown began.
    public static let quiesceDelay = TimeAmount.milliseconds(300)

    private let registry: DisconnectRegistry
    private let signal = OnceSignal()
    private var removed = false

    init(registry: DisconnectRegistry) {
        self.registry = registry
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        registry.add(signal, for: context.channel)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        removed = true
        registry.remove(context.channel)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { signal.fire() }
        if event is ChannelShouldQuiesceEvent {
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: Self.quiesceDelay) {
                let (watcher, context) = bound.value
                guard !watcher.removed else { return }
                context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        signal.fire()
        registry.remove(context.channel)
        context.fireChannelInactive()
    }
}

/// A request context that knows its connection.
public protocol ConnectionAwareContext: RequestContext {
    /// The connection the request arrived on (a test channel under the router test framework).
    var channel: (any Channel)? { get }
}

/// Cancels a request's handler when its client goes (see ``DisconnectRegistry``), so that the gateway's chain walk
/// and the chat flow stop at once: no further upstream attempt starts, and a backoff sleep ends. During a shutdown it
/// also cancels the handlers still running when the drain time is over (``Drain``) and answers them 503
/// `shutting_down` with `Retry-After`, so that a client (or a load balancer) retries elsewhere instead of seeing a
/// reset; a chat turn cancelled so releases its hold and stores nothing.
public struct CancelOnDisconnectMiddleware<Context: ConnectionAwareContext>: RouterMiddleware {
    let registry: DisconnectRegistry
    let drain: Drain?

    /// - Parameters:
    ///   - registry: The registry the server's connections report to.
    ///   - drain: The process's shutdown drain, if it has one.
    public init(registry: DisconnectRegistry, drain: Drain? = nil) {
        self.registry = registry
        self.drain = drain
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let channel = context.channel, let signal = registry.signal(for: channel) else {
            return try await next(request, context)
        }
        return try await withoutActuallyEscaping(next) { next in
            let work = UnsafeSendableBox(next)
            let task = Task(executorPreference: EventLoopTaskExecutor.inherited(on: channel.eventLoop)) {
                try await work.value(request, context)
            }
            guard let id = signal.onFire({ task.cancel() }) else {
                task.cancel()
                return try await task.value
            }
            defer { signal.remove(id) }
            let expiry = drain?.expired
            let drainID = expiry?.onFire { task.cancel() }
            defer { if let drainID { expiry?.remove(drainID) } }
            do {
                return try await withTaskCancellationHandler {
                    try await task.value
                } onCancel: {
                    task.cancel()
                }
            } catch {
                guard let expiry, expiry.hasFired, !signal.hasFired else { throw error }
                throw APIError.temporarilyUnavailable(
                    code: "shutting_down", retryAfterSeconds: 1,
                    message: "This server is restarting and could not finish the request; it was not completed. "
                        + "Please retry.")
            }
        }
    }
}

/// A process's shutdown drain: from ``begin(grace:)`` in-flight requests have `grace` to finish; then the signal
/// ``expired`` fires and ``CancelOnDisconnectMiddleware`` cancels and answers those still running.
public final class Drain: Sendable {
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

/// Carries the non-escaping `next` closure into the task that runs it; the task is awaited before the closure's
/// scope ends, so it never outlives it.
private struct UnsafeSendableBox<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
