import NIOCore
import NIOHTTP1
import SwitchyardHTTP1

/// Why an exchange on a pooled upstream connection failed.
enum UpstreamHTTPError: Error, CustomStringConvertible {
    /// The deadline passed before the whole answer arrived.
    case deadlineExceeded
    /// The connection closed before the answer was complete.
    case connectionClosed
    /// The answer's body is larger than the transport reads.
    case responseTooLarge(limit: Int)
    /// The connection was in use (a bug if it happens: the pool hands a connection to one exchange at a time).
    case busy
    /// A request header field's name or value cannot be sent (a control character, say); the value is not told.
    case invalidField(name: String)

    var description: String {
        switch self {
        case .deadlineExceeded: "deadline exceeded"
        case .connectionClosed: "the upstream closed the connection before the answer was complete"
        case .responseTooLarge(let limit): "the upstream's answer is larger than \(limit) bytes"
        case .busy: "connection busy"
        case .invalidField(let name): "the request header field \(name.debugDescription) is not valid HTTP"
        }
    }
}

/// One request as it is written: head and body go out in one write.
struct UpstreamRequest {
    var head: HTTPRequestHead
    var body: ByteBuffer?
    var deadline: NIODeadline
    var maximumBytes: Int
    var reply: Reply

    /// How the answer is handed over.
    enum Reply {
        /// Collected whole (up to `maximumBytes`).
        case whole(EventLoopPromise<UpstreamResponse>)
        /// At its head, with the body streamed after it (`maximumBytes` does not apply).
        case stream(EventLoopPromise<UpstreamStream>)

        func fail(_ error: any Error) {
            switch self {
            case .whole(let promise): promise.fail(error)
            case .stream(let promise): promise.fail(error)
            }
        }
    }
}

/// The handler of a pooled upstream connection (after TLS, if any): writes one exchange's request at a time as HTTP/1.1
/// bytes, reads the answer (``UpstreamResponseParser``), collects it whole or streams its body to a reader, and hands
/// the connection back to its pool when the answer allows keep-alive.
final class UpstreamExchangeHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = UpstreamRequest
    typealias OutboundOut = ByteBuffer

    /// A body at most this long is copied after the head (one write); a longer one is written as it is.
    static let copiedBodyBytes = 16 * 1024

    private struct Exchange {
        /// Nil once a stream's head is handed over: its future would keep the body, and the body's end would then
        /// never be noticed as dropped.
        var reply: UpstreamRequest.Reply?
        var maximumBytes: Int
        var keepAlive: Bool
        var deadline: NIODeadline
        var head: (status: Int, headers: HTTPHeaders)?
        var body: ByteBuffer?
        /// A streamed answer's reader, from its head on.
        var reader: UpstreamBodyReader?
    }

    private var exchange: Exchange?
    private var parser = UpstreamResponseParser()
    /// One wake-up serves both limits (the exchange's deadline, the idle timeout): armed for the earlier of the two
    /// and re-armed when it fires early, instead of a timer scheduled and cancelled twice per exchange.
    private var wakeUp: (task: Scheduled<Void>, at: NIODeadline)?
    /// When the last exchange ended. A new connection's idle clock starts only then: the request that opened it is
    /// written at once, and a clock started when it opened closed it, under load, before that write came.
    private var idleSince = NIODeadline.now()
    private let idleTimeout: TimeAmount
    /// Called on the event loop when the connection may take the next exchange.
    private let release: (any Channel) -> Void
    /// Called on the event loop when the connection closes.
    private let closed: (any Channel) -> Void

    init(idleTimeout: TimeAmount, release: @escaping (any Channel) -> Void, closed: @escaping (any Channel) -> Void) {
        self.idleTimeout = idleTimeout
        self.release = release
        self.closed = closed
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard exchange == nil else {
            request.reply.fail(UpstreamHTTPError.busy)
            return
        }
        let body = request.body.flatMap { $0.readableBytes > 0 ? $0 : nil }
        let copied = (body?.readableBytes ?? 0) <= Self.copiedBodyBytes
        var bytes = context.channel.allocator.buffer(capacity: 512 + (copied ? body?.readableBytes ?? 0 : 0))
        do {
            try bytes.writeHTTP1Request(request.head)
        } catch {
            request.reply.fail(error)
            promise?.fail(error)
            context.close(promise: nil)
            return
        }
        exchange = Exchange(
            reply: request.reply, maximumBytes: request.maximumBytes,
            keepAlive: request.head.isKeepAlive, deadline: request.deadline)
        arm(at: request.deadline, context: context)
        if let body, copied {
            bytes.writeImmutableBuffer(body)
        } else if let body {
            context.write(wrapOutboundOut(bytes), promise: nil)
            bytes = body
        }
        context.write(wrapOutboundOut(bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The events are taken first: answering one can close the connection, which ends the parser's input.
        var events: [UpstreamResponseParser.Event] = []
        do {
            try parser.feed(unwrapInboundIn(data), into: &events)
        } catch {
            for event in events { answer(event, context: context) }
            return fail(error, context: context)
        }
        for event in events { answer(event, context: context) }
    }

    private func answer(_ event: UpstreamResponseParser.Event, context: ChannelHandlerContext) {
        guard var current = exchange else { return }
        switch event {
        case .head(let head):
            let (status, headers) = (head.status, head.headers)
            current.head = (status, headers)
            current.keepAlive = current.keepAlive && head.keepAlive
            if case .stream(let promise) = current.reply {
                let reader = UpstreamBodyReader(channel: context.channel)
                current.reader = reader
                current.reply = nil
                exchange = current
                promise.succeed(UpstreamStream(status: status, headers: headers, body: UpstreamBody(reader)))
                return
            }
            exchange = current
        case .body(var part):
            if let reader = current.reader { return reader.receive(part) }
            let received = (current.body?.readableBytes ?? 0) + part.readableBytes
            guard received <= current.maximumBytes else {
                fail(UpstreamHTTPError.responseTooLarge(limit: current.maximumBytes), context: context)
                return
            }
            if current.body == nil {
                current.body = part
            } else {
                current.body!.writeBuffer(&part)
            }
            exchange = current
        case .end:
            guard let head = current.head else { return }
            exchange = nil
            // A body its reader stopped (dropped or cancelled) at this very moment has its connection closing.
            let taken = current.reader?.finish(nil) ?? true
            if current.keepAlive, taken {
                idleSince = .now()
                arm(at: idleSince + idleTimeout, context: context)
                release(context.channel)
            } else {
                context.close(promise: nil)
            }
            if case .whole(let promise) = current.reply {
                promise.succeed(
                    UpstreamResponse(status: head.status, headers: head.headers, body: current.body ?? ByteBuffer()))
            }
        }
    }

    /// A streamed body whose reader has fallen behind holds the connection's reads (TCP then holds the upstream).
    func read(context: ChannelHandlerContext) {
        if let reader = exchange?.reader, reader.isPaused { return }
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // A body that lasts until the close has ended.
        if parser.inputClosed() { answer(.end, context: context) }
        wakeUp?.task.cancel()
        wakeUp = nil
        fail(UpstreamHTTPError.connectionClosed, context: context)
        closed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    /// Fails the exchange under way, if any, and closes the connection: its state is unknown.
    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        if let current = exchange {
            exchange = nil
            if let reader = current.reader { reader.finish(error) } else { current.reply?.fail(error) }
        }
        context.close(promise: nil)
    }

    /// Makes sure a wake-up comes by `deadline` (one due sooner is kept: it re-arms when it fires).
    private func arm(at deadline: NIODeadline, context: ChannelHandlerContext) {
        if let wakeUp, wakeUp.at <= deadline { return }
        wakeUp?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] () -> Void in
            guard let self else { return }
            self.wokeUp(context: context)
        }
        wakeUp = (task, deadline)
    }

    /// Fails an exchange past its deadline, closes a connection idle past the timeout, else waits for whichever
    /// limit applies now.
    private func wokeUp(context: ChannelHandlerContext) {
        wakeUp = nil
        let now = NIODeadline.now()
        if let current = exchange {
            guard current.deadline > now else { return fail(UpstreamHTTPError.deadlineExceeded, context: context) }
            arm(at: current.deadline, context: context)
        } else {
            guard idleSince + idleTimeout > now else { return context.close(promise: nil) }
            arm(at: idleSince + idleTimeout, context: context)
        }
    }
}

extension ByteBuffer {
    /// Writes an HTTP/1.1 request head.
    /// - Throws: ``UpstreamHTTPError/invalidField(name:)`` for a field that cannot be sent: a name that is not a token,
    ///   or a value with a control character other than tab (a stray line end in a configured key, say).
    mutating func writeHTTP1Request(_ head: HTTPRequestHead) throws {
        writeString(head.method.rawValue)
        writeInteger(UInt8(ascii: " "))
        writeString(head.uri)
        writeStaticString(" HTTP/1.1\r\n")
        for (name, value) in head.headers {
            guard !name.isEmpty, name.utf8.allSatisfy(\.isHTTPTokenByte), value.utf8.allSatisfy(\.isHTTPFieldValueByte)
            else { throw UpstreamHTTPError.invalidField(name: String(name.prefix(64))) }
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
        writeStaticString("\r\n")
    }
}
