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
    private let signals = Mutex<[ObjectIdentifier: DisconnectSignal]>([:])

    public init() {}

    /// The handler for a new connection's pipeline.
    public func makeWatcher() -> DisconnectWatcher {
        DisconnectWatcher(registry: self)
    }

    func add(_ signal: DisconnectSignal, for channel: any Channel) {
        signals.withLock { $0[ObjectIdentifier(channel)] = signal }
    }

    func remove(_ channel: any Channel) {
        _ = signals.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// - Parameter channel: A connection.
    /// - Returns: Its signal, while the connection is open.
    public func signal(for channel: any Channel) -> DisconnectSignal? {
        signals.withLock { $0[ObjectIdentifier(channel)] }
    }
}

/// One connection's "the client has gone" signal.
public final class DisconnectSignal: Sendable {
    private struct State {
        var fired = false
        var nextID = 0
        var callbacks: [Int: @Sendable () -> Void] = [:]
    }

    private let state = Mutex(State())

    /// Runs `callback` once when the client goes.
    /// - Returns: A handle for ``remove(_:)``, or nil when the client has gone already (the callback did not run).
    public func onDisconnect(_ callback: @escaping @Sendable () -> Void) -> Int? {
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

    func fire() {
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
/// the connection gone fires its ``DisconnectSignal``. Everything passes through unchanged.
public final class DisconnectWatcher: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny

    private let registry: DisconnectRegistry
    private let signal = DisconnectSignal()

    init(registry: DisconnectRegistry) {
        self.registry = registry
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        registry.add(signal, for: context.channel)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        registry.remove(context.channel)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { signal.fire() }
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
/// and the chat flow stop at once: no further upstream attempt starts, and a backoff sleep ends.
public struct CancelOnDisconnectMiddleware<Context: ConnectionAwareContext>: RouterMiddleware {
    let registry: DisconnectRegistry

    /// - Parameter registry: The registry the server's connections report to.
    public init(registry: DisconnectRegistry) {
        self.registry = registry
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let channel = context.channel, let signal = registry.signal(for: channel) else {
            return try await next(request, context)
        }
        return try await withoutActuallyEscaping(next) { next in
            let work = UnsafeSendableBox(next)
            let task = Task { try await work.value(request, context) }
            guard let id = signal.onDisconnect({ task.cancel() }) else {
                task.cancel()
                return try await task.value
            }
            defer { signal.remove(id) }
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
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
