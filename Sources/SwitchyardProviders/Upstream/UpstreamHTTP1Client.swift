import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A lean HTTP/1.1 client for the calls to providers and data APIs, answers read whole and streamed: keep-alive
/// connections pooled per origin, each request's head, body and end written in one flush (one `writev`; the general
/// client flushes the head alone, a second system call and TCP segment per request), and the answer collected on the
/// connection's event loop.
///
/// Like the general client it does not retry: a request that may have been written is never sent twice. A pooled
/// connection found closed before anything is written is dropped and another taken.
final class UpstreamHTTP1Client: Sendable {
    private let group: any EventLoopGroup
    /// The group's loops, to tell whether the caller runs on one of them.
    private let loops: Set<ObjectIdentifier>
    private let tls: TLSConfiguration
    private let sslContext = Mutex<NIOSSLContext?>(nil)
    private let idle = Mutex<[UpstreamURL.Origin: [any Channel]]>([:])
    private let idleTimeout: TimeAmount
    private let connectTimeout: TimeAmount
    /// Idle connections kept per origin; more are closed when their answer is complete.
    private let maximumIdlePerOrigin: Int
    /// URLs read before: an adapter calls the same few URLs (from its configuration) again and again.
    private let targets = Mutex<[String: UpstreamURL]>([:])

    /// - Parameters:
    ///   - group: The event loops connections run on.
    ///   - tls: How `https` origins are verified (the system's roots, and any CA the operator adds).
    ///   - idleTimeout: How long an idle connection is kept.
    ///   - connectTimeout: The limit for opening a connection (TLS handshake included).
    ///   - maximumIdlePerOrigin: Idle connections kept per origin.
    init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, tls: TLSConfiguration,
        idleTimeout: TimeAmount = .seconds(60), connectTimeout: TimeAmount = .seconds(10),
        maximumIdlePerOrigin: Int = 1_024
    ) {
        self.group = group
        loops = Set(group.makeIterator().map { ObjectIdentifier($0) })
        var tls = tls
        tls.applicationProtocols = ["http/1.1"]
        self.tls = tls
        self.idleTimeout = idleTimeout
        self.connectTimeout = connectTimeout
        self.maximumIdlePerOrigin = maximumIdlePerOrigin
    }

    /// Sends a request and reads the whole answer.
    /// - Throws: ``UpstreamHTTPError``, a connection or TLS error, or `CancellationError`.
    func send(
        _ url: UpstreamURL, method: HTTPMethod, headers: HTTPHeaders, body: ByteBuffer?, deadline: NIODeadline,
        maximumBytes: Int
    ) async throws -> UpstreamResponse {
        try await exchange(
            url, method: method, headers: headers, body: body, deadline: deadline, maximumBytes: maximumBytes,
            reply: { .whole($0) })
    }

    /// Sends a request and returns at the answer's head; the body streams after it, read on the connection's loop
    /// (``UpstreamBodyReader``). `deadline` bounds the whole exchange, body included.
    /// - Throws: ``UpstreamHTTPError``, a connection or TLS error, or `CancellationError`.
    func open(
        _ url: UpstreamURL, method: HTTPMethod, headers: HTTPHeaders, body: ByteBuffer?, deadline: NIODeadline
    ) async throws -> UpstreamStream {
        try await exchange(
            url, method: method, headers: headers, body: body, deadline: deadline, maximumBytes: .max,
            reply: { .stream($0) })
    }

    private func exchange<Answer: Sendable>(
        _ url: UpstreamURL, method: HTTPMethod, headers: HTTPHeaders, body: ByteBuffer?, deadline: NIODeadline,
        maximumBytes: Int, reply: (EventLoopPromise<Answer>) -> UpstreamRequest.Reply
    ) async throws -> Answer {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: url.target, headers: headers)
        if !head.headers.contains(name: "host") { head.headers.add(name: "host", value: url.hostHeader) }
        if body != nil || method == .POST || method == .PUT, !head.headers.contains(name: "content-length") {
            head.headers.add(name: "content-length", value: String(body?.readableBytes ?? 0))
        }
        let channel = try await connection(to: url.origin, deadline: deadline)
        let promise = channel.eventLoop.makePromise(of: Answer.self)
        let request = UpstreamRequest(
            head: head, body: body, deadline: deadline, maximumBytes: maximumBytes, reply: reply(promise))
        // A connection that closes before the request reaches the handler fails the write, and so the exchange.
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.cascadeFailure(to: promise)
        return try await withTaskCancellationHandler {
            channel.writeAndFlush(request, promise: written)
            do {
                return try await promise.futureResult.get()
            } catch {
                try Task.checkCancellation()
                throw error
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// - Parameter url: An absolute URL.
    /// - Returns: The URL read, or nil when this client does not take it (see ``UpstreamURL``).
    func target(_ url: String) -> UpstreamURL? {
        if let known = targets.withLock({ $0[url] }) { return known }
        guard let target = UpstreamURL(url) else { return nil }
        targets.withLock { targets in
            if targets.count < 1_024 { targets[url] = target }
        }
        return target
    }

    /// Closes the idle connections.
    func closeIdle() {
        let channels = idle.withLock { idle in
            defer { idle.removeAll() }
            return idle.values.flatMap { $0 }
        }
        for channel in channels { channel.close(promise: nil) }
    }

    /// The most recently used idle connection to the origin that is still open, else a new one. Called on an event
    /// loop (Swift concurrency runs on them in the server), it keeps to that loop's connections and opens new ones on
    /// it: the request is then written and its answer read, and the waiting task resumed, without leaving the thread.
    private func connection(to origin: UpstreamURL.Origin, deadline: NIODeadline) async throws -> any Channel {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop.flatMap {
            loops.contains(ObjectIdentifier($0)) ? $0 : nil
        }
        while let channel = idle.withLock({ Self.take(from: &$0[origin], on: loop) }) {
            if channel.isActive { return channel }
        }
        return try await connect(to: origin, on: loop ?? group.next(), deadline: deadline)
    }

    /// The last idle connection on `loop` (on any loop when nil).
    static func take(from channels: inout [any Channel]?, on loop: (any EventLoop)?) -> (any Channel)? {
        guard let loop else { return channels?.popLast() }
        guard let index = channels?.lastIndex(where: { $0.eventLoop === loop }) else { return nil }
        return channels?.remove(at: index)
    }

    private func connect(
        to origin: UpstreamURL.Origin, on loop: any EventLoop, deadline: NIODeadline
    ) async throws -> any Channel {
        let context = try origin.secure ? self.context() : nil
        let remaining = deadline - .now()
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(max(.milliseconds(1), min(connectTimeout, remaining)))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let context {
                        let sni = origin.host.isIPAddress ? nil : origin.host
                        try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: sni))
                    }
                    try pipeline.addHandler(
                        UpstreamExchangeHandler(
                            idleTimeout: self?.idleTimeout ?? .seconds(60),
                            release: { self?.park($0, origin: origin) },
                            closed: { self?.forget($0, origin: origin) }))
                }
            }
        // A TLS handshake that fails (an untrusted certificate, say) fails the first exchange.
        return try await bootstrap.connect(host: origin.host, port: origin.port).get()
    }

    private func context() throws -> NIOSSLContext {
        try sslContext.withLock { context in
            if let context { return context }
            let made = try NIOSSLContext(configuration: tls)
            context = made
            return made
        }
    }

    private func park(_ channel: any Channel, origin: UpstreamURL.Origin) {
        let kept = idle.withLock { idle in
            guard idle[origin, default: []].count < maximumIdlePerOrigin else { return false }
            idle[origin, default: []].append(channel)
            return true
        }
        if !kept { channel.close(promise: nil) }
    }

    private func forget(_ channel: any Channel, origin: UpstreamURL.Origin) {
        idle.withLock { idle in
            idle[origin]?.removeAll { $0 === channel }
        }
    }
}

extension String {
    /// Whether the string is an IPv4 or IPv6 literal (no SNI is sent for those).
    fileprivate var isIPAddress: Bool {
        contains(":") || (split(separator: ".").count == 4 && allSatisfy { $0.isNumber || $0 == "." })
    }
}
