import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One streaming chat completion on a connection of its own, in plain NIO: the handler notes when each SSE event's
/// last byte arrives, with no task and no async iterator per read (the load tool shares the cores it measures).
enum StreamConnection {
    /// Sends `body` to `url` with `token` and reads the SSE answer to its end.
    static func run(url: URL, token: String, body: String) async -> StreamClients.Outcome {
        let host = url.host ?? "127.0.0.1"
        let port = url.port ?? 80
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: url.path)
        head.headers.add(name: "host", value: "\(host):\(port)")
        head.headers.add(name: "authorization", value: "Bearer \(token)")
        head.headers.add(name: "content-type", value: "application/json")
        head.headers.add(name: "content-length", value: "\(body.utf8.count)")
        let request = head
        let sent = ContinuousClock.now
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let outcome = OutcomePromise(loop.makePromise(of: StreamClients.Outcome.self))
        do {
            _ = try await ClientBootstrap(group: loop)
                .connectTimeout(.seconds(30))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(
                            EventTimingHandler(request: request, body: body, sent: sent, outcome: outcome))
                    }
                }
                .connect(host: host, port: port).get()
            return try await outcome.future.get()
        } catch {
            outcome.fail(error)
            var outcome = StreamClients.Outcome()
            outcome.failure = "\(type(of: error))"
            return outcome
        }
    }
}

/// A stream's outcome, completed once by whichever comes first: the handler at the answer's end, or a failed connect.
private final class OutcomePromise: Sendable {
    private let promise: EventLoopPromise<StreamClients.Outcome>
    private let completed = Atomic(false)

    init(_ promise: EventLoopPromise<StreamClients.Outcome>) {
        self.promise = promise
    }

    var future: EventLoopFuture<StreamClients.Outcome> { promise.futureResult }

    func succeed(_ outcome: StreamClients.Outcome) {
        if claim() { promise.succeed(outcome) }
    }

    func fail(_ error: any Error) {
        if claim() { promise.fail(error) }
    }

    private func claim() -> Bool {
        !completed.exchange(true, ordering: .acquiringAndReleasing)
    }
}

/// Writes the request when the connection opens, then times each `\n\n`-terminated event of the answer.
private final class EventTimingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let request: HTTPRequestHead
    let body: String
    let sent: ContinuousClock.Instant
    private var result = StreamClients.Outcome()
    private var pending: [UInt8] = []
    private var last: ContinuousClock.Instant?
    private var firstAt: ContinuousClock.Instant?
    private var done = false
    /// Told the stream's outcome once its answer has ended (or failed).
    private var promise: OutcomePromise?

    init(request: HTTPRequestHead, body: String, sent: ContinuousClock.Instant, outcome: OutcomePromise) {
        self.request = request
        self.body = body
        self.sent = sent
        promise = outcome
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(NIOAny(HTTPClientRequestPart.head(request)), promise: nil)
        context.write(NIOAny(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(NIOAny(HTTPClientRequestPart.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.status != .ok { finish(context: context, failure: "status \(head.status.code)") }
        case .body(let part):
            let now = ContinuousClock.now
            pending.append(contentsOf: part.readableBytesView)
            // Each complete event counts at the time its last byte arrived.
            while let end = StreamClients.eventEnd(pending) {
                if pending.starts(with: StreamClients.doneMarker) { done = true }
                pending.removeFirst(end)
                result.events += 1
                if let last {
                    result.gaps.append(StreamClients.milliseconds(last.duration(to: now)))
                } else {
                    result.first = StreamClients.milliseconds(sent.duration(to: now))
                    firstAt = now
                }
                last = now
            }
        case .end:
            finish(context: context, failure: done ? nil : "ended without [DONE]")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context: context, failure: "connection closed before the end")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context: context, failure: "\(type(of: error))")
    }

    private func finish(context: ChannelHandlerContext, failure: String?) {
        guard let promise else { return }
        self.promise = nil
        result.failure = failure
        if let firstAt, let last { result.live = firstAt..<last }
        promise.succeed(result)
        context.close(promise: nil)
    }
}
