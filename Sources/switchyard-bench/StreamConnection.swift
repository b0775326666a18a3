import Foundation
import NIOCore
import NIOPosix
import SwitchyardHTTP1
import Synchronization

/// One streaming chat completion on a connection of its own, in plain NIO with no HTTP codec: the request is written
/// as one buffer, and the handler reads the answer's bytes itself (``HTTP1MessageReader``) and notes when each SSE
/// event's last byte arrives, with no task and no async iterator per read (the load tool shares the cores it
/// measures).
enum StreamConnection {
    /// Sends `body` to `url` with `token` and reads the SSE answer to its end; gaps that end from `steadyFrom` on are
    /// also kept apart (``StreamClients/Outcome/steadyGaps``).
    static func run(
        url: URL, token: String, body: String, steadyFrom: ContinuousClock.Instant
    ) async -> StreamClients.Outcome {
        let host = url.host ?? "127.0.0.1"
        let port = url.port ?? 80
        let request = ByteBuffer(
            string: "POST \(url.path) HTTP/1.1\r\nhost: \(host):\(port)\r\nauthorization: Bearer \(token)\r\n"
                + "content-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n\r\n\(body)")
        let sent = ContinuousClock.now
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let outcome = OutcomePromise(loop.makePromise(of: StreamClients.Outcome.self))
        do {
            _ = try await ClientBootstrap(group: loop)
                .connectTimeout(.seconds(30))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            EventTimingHandler(request: request, sent: sent, steadyFrom: steadyFrom, outcome: outcome))
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

/// The head of the gateway's answer: its status, and how its body is framed.
struct BenchAnswerHead: HTTP1HeadReading {
    var status: Int

    static func head(lines: [Range<Int>], in bytes: UnsafeRawBufferPointer) throws -> (Self, HTTP1Framing)? {
        let start = UnsafeRawBufferPointer(rebasing: bytes[lines[0]])
        guard start.count >= 12, start.starts(with: "HTTP/1.".utf8),
            let status = HTTP1Fields.decimal(UnsafeRawBufferPointer(rebasing: start[9..<12]))
        else { throw HTTP1Malformed("no status line") }
        var chunked = false
        var fields = HTTP1HeadFields()
        try fields.read(lines.dropFirst(), in: bytes) { name, value in
            if HTTP1Fields.equals(name, "transfer-encoding") {
                chunked = HTTP1Fields.items(value).last.map { HTTP1Fields.equals($0, "chunked") } ?? false
            }
        }
        if chunked { return (Self(status: status), .chunked) }
        return (Self(status: status), fields.length.map { .length($0) } ?? .untilClose)
    }
}

/// Finds where Server-Sent Events end (a blank line: two `\n` in a row) in a body read in parts cut anywhere, and
/// whether an event was `data: [DONE]`. Bytes are compared in place, with nothing copied or kept.
struct SSEEventEnds {
    static let doneMarker = Array("data: [DONE]".utf8)
    private var lastWasLineEnd = false
    /// How many of the current event's first bytes match the marker; -1 once one did not.
    private var matched = 0
    private(set) var sawDone = false

    /// - Returns: How many events ended in `bytes`.
    mutating func feed(_ bytes: ByteBuffer) -> Int {
        bytes.withUnsafeReadableBytes { feed($0) }
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Int {
        var ended = 0
        for byte in bytes {
            if byte == 10, lastWasLineEnd {
                ended += 1
                if matched == Self.doneMarker.count { sawDone = true }
                matched = 0
                lastWasLineEnd = false
                continue
            }
            lastWasLineEnd = byte == 10
            if matched >= 0, matched < Self.doneMarker.count {
                matched = Self.doneMarker[matched] == byte ? matched + 1 : -1
            }
        }
        return ended
    }
}

/// Writes the request when the connection opens, then times each event of the answer.
private final class EventTimingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let request: ByteBuffer
    let sent: ContinuousClock.Instant
    let steadyFrom: ContinuousClock.Instant
    private var reader = HTTP1MessageReader<BenchAnswerHead>()
    private var parsed: [HTTP1MessageReader<BenchAnswerHead>.Event] = []
    private var ends = SSEEventEnds()
    private var result = StreamClients.Outcome()
    private var last: ContinuousClock.Instant?
    private var firstAt: ContinuousClock.Instant?
    /// Told the stream's outcome once its answer has ended (or failed).
    private var promise: OutcomePromise?

    init(
        request: ByteBuffer, sent: ContinuousClock.Instant, steadyFrom: ContinuousClock.Instant,
        outcome: OutcomePromise
    ) {
        self.request = request
        self.sent = sent
        self.steadyFrom = steadyFrom
        promise = outcome
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = ContinuousClock.now
        do {
            try reader.feed(unwrapInboundIn(data), into: &parsed)
        } catch {
            return finish(context: context, failure: "\(error)")
        }
        defer { parsed.removeAll(keepingCapacity: true) }
        for event in parsed {
            switch event {
            case .head(let head):
                if head.status != 200 { return finish(context: context, failure: "status \(head.status)") }
            case .body(let part):
                // Each complete event counts at the time its last byte arrived.
                for _ in 0..<ends.feed(part) {
                    result.events += 1
                    if let last {
                        let gap = StreamClients.milliseconds(last.duration(to: now))
                        result.gaps.append(gap)
                        if now >= steadyFrom { result.steadyGaps.append(gap) }
                    } else {
                        result.first = StreamClients.milliseconds(sent.duration(to: now))
                        firstAt = now
                    }
                    last = now
                }
            case .end:
                return finish(context: context, failure: ends.sawDone ? nil : "ended without [DONE]")
            }
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
