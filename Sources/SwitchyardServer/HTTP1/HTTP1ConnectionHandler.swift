import HTTPTypes
import HummingbirdCore
import NIOCore
import SwitchyardHTTP
import SwitchyardHTTP1

/// The handler of a ``DirectHTTP1Channel`` connection (after TLS, if any): reads each request whole, head
/// (``HTTP1RequestHead``) and body, and hands it to the connection's task (``HTTP1ConnectionState``), writes what the
/// task answers as HTTP/1.1 bytes (``HTTP1ResponseBytes``: an answer of known length leaves as one buffer, a stream's part
/// as one chunk), and closes the connection after the answer that ends it (the request asked to close, a shutdown
/// quiesced the connection, or the request was refused).
///
/// Requests are answered one at a time, in order. Pipelined requests wait in the state, and reading stops while
/// ``HTTP1ConnectionState/maximumQueued`` wait there. Reading goes on while a request is answered, so that a client
/// that leaves (input closed) is seen at once: the state's `gone` signal fires (and the registry knows it).
///
/// A shutdown's request to quiesce is held back for ``Drain/quiesceDelay``, so that a request already sent on a new or
/// idle connection is still read and answered; the connection closes after it.
final class HTTP1ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// A part of an answer, as the connection's task writes it.
    enum Part: Sendable {
        /// The head; body parts and the end follow.
        case head(HTTPResponse)
        /// The head, the whole body (of the length the head gives) and the end, in one write.
        case whole(HTTPResponse, body: ByteBuffer?)
        case body(ByteBuffer)
        case end(HTTPFields?)
    }

    /// Answers requests, oldest first, that were read and not answered yet.
    private struct Pending {
        /// The request lets the connection stay open.
        var keepAlive: Bool
        /// The request was `HEAD` or `CONNECT`: its answer has no body.
        var bodyless: Bool
    }

    static let continueHead = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")
    /// A body part at most this long is copied into the buffer of the bytes around it (one write); a longer one is
    /// written as it is.
    static let copiedBodyBytes = 16 * 1024

    let state: HTTP1ConnectionState
    private let registry: DisconnectRegistry?
    private let secure: Bool
    private let maximumBodyBytes: Int
    private var context: ChannelHandlerContext?
    private var reader = HTTP1MessageReader<HTTP1RequestHead>()
    /// The bytes were not HTTP/1.1: nothing more is read.
    private var unreadable = false
    /// The request being read.
    private var head: HTTP1RequestHead?
    private var body: ByteBuffer?
    /// The request being read was refused; the rest of it is dropped.
    private var discarding = false
    /// The requests read and not yet answered, oldest first.
    private var pending = CircularBuffer<Pending>()
    /// How the body of the answer being written is framed.
    private var framing = HTTP1BodyFraming.none
    /// The connection closes once everything read is answered (a shutdown, a refusal).
    private var closeWhenAnswered = false
    private var readHeld = false
    private var writabilityWaiters: [CheckedContinuation<Void, any Error>] = []

    /// - Parameters:
    ///   - state: What the handler shares with the connection's task.
    ///   - secure: Whether the connection is TLS (the requests' scheme).
    ///   - maximumBodyBytes: The largest request body read; a larger one is refused with 413.
    ///   - registry: Where the connection's `gone` signal is found by its channel, while it is open.
    init(state: HTTP1ConnectionState, secure: Bool, maximumBodyBytes: Int, registry: DisconnectRegistry?) {
        self.state = state
        self.registry = registry
        self.secure = secure
        self.maximumBodyBytes = maximumBodyBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        registry?.add(state.gone, for: context.channel)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        connectionGone()
        registry?.remove(context.channel)
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !unreadable else { return }
        var events: [HTTP1MessageReader<HTTP1RequestHead>.Event] = []
        do {
            try reader.feed(unwrapInboundIn(data), into: &events)
        } catch {
            // What came before the bad bytes is answered; then 400 in turn, and the connection closes.
            for event in events { read(event, context: context) }
            let reason = (error as? HTTP1Malformed)?.reason ?? "\(error)"
            unreadable = true
            if !closeWhenAnswered {
                refuse(.invalidRequest("The request is not valid HTTP/1.1: \(reason).", code: "bad_request"))
            }
            state.finishInbound()
            return
        }
        for event in events { read(event, context: context) }
    }

    private func read(_ event: HTTP1MessageReader<HTTP1RequestHead>.Event, context: ChannelHandlerContext) {
        switch event {
        case .head(let head):
            guard !closeWhenAnswered else {
                discarding = true
                return
            }
            self.head = head
            body = nil
            discarding = false
            if let length = head.length, length > maximumBodyBytes {
                refuse(.bodyTooLarge(limit: maximumBodyBytes))
            } else if pending.isEmpty, head.http11, head.expectsContinue {
                // The client waits for this before it sends the body (curl does for large ones); with an answer
                // still going out, it waits its own timeout instead.
                context.writeAndFlush(wrapOutboundOut(Self.continueHead), promise: nil)
            }
        case .body(var part):
            guard !discarding, head != nil else { return }
            if body == nil {
                body = part
            } else {
                body!.writeBuffer(&part)
            }
            if body!.readableBytes > maximumBodyBytes {
                refuse(.bodyTooLarge(limit: maximumBodyBytes))
            }
        case .end:
            defer { discarding = false }
            guard !discarding, var head else { return }
            self.head = nil
            if secure { head.request.scheme = "https" }
            pending.append(Pending(keepAlive: head.keepAlive, bodyless: head.bodyless))
            let buffer = body ?? ByteBuffer()
            body = nil
            hand(.request(Request(head: head.request, body: RequestBody(buffer: buffer))))
        }
    }

    /// Answers the request being read with `error` (in its turn) and closes the connection after it.
    private func refuse(_ error: APIError) {
        head = nil
        body = nil
        discarding = true
        pending.append(Pending(keepAlive: false, bodyless: false))
        closeWhenAnswered = true
        hand(.refusal(error))
    }

    private func hand(_ item: HTTP1ConnectionState.Item) {
        if state.deliver(item) { readHeld = true }
    }

    func read(context: ChannelHandlerContext) {
        if state.isFull {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// The task took requests from a full queue: reading goes on.
    func resumeReading() {
        guard readHeld, let context else { return }
        readHeld = false
        context.read()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case ChannelEvent.inputClosed:
            // What was read whole is still answered (its task is cancelled: the client has gone); the connection
            // closes after it. A request cut short is dropped.
            state.gone.fire()
            closeWhenAnswered = true
            head = nil
            body = nil
            state.finishInbound()
            if pending.isEmpty { context.close(promise: nil) }
        case is ChannelShouldQuiesceEvent:
            let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: Drain.quiesceDelay) { bound.value.quiesce() }
            return
        default:
            break
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Closes the connection now if nothing is read or being answered, else after the last answer.
    private func quiesce() {
        guard let context else { return }
        closeWhenAnswered = true
        if pending.isEmpty, head == nil {
            state.finishInbound()
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        connectionGone()
        registry?.remove(context.channel)
        context.fireChannelInactive()
    }

    private func connectionGone() {
        state.gone.fire()
        state.setClosed()
        state.finishInbound()
        let waiters = writabilityWaiters
        writabilityWaiters = []
        for waiter in waiters { waiter.resume(throwing: ChannelError.ioOnClosedChannel) }
    }

    // MARK: Writing

    /// Writes a part of the answer to the oldest request not yet answered.
    /// - Parameters:
    ///   - part: The part.
    ///   - flush: Whether to send it now (the end of an answer is always sent).
    func write(_ part: Part, flush: Bool) {
        guard let context, !state.isClosed else { return }
        switch part {
        case .head(let head):
            var bytes = context.channel.allocator.buffer(capacity: 256)
            writeHead(head, into: &bytes)
            context.write(wrapOutboundOut(bytes), promise: nil)
            if flush { context.flush() }
        case .whole(let head, let body):
            let copied = (body?.readableBytes ?? 0) <= Self.copiedBodyBytes
            var bytes = context.channel.allocator.buffer(capacity: 256 + (copied ? body?.readableBytes ?? 0 : 0))
            writeHead(head, into: &bytes)
            if let body, !copied {
                context.write(wrapOutboundOut(bytes), promise: nil)
                write(.body(body), flush: false)
                end(nil, after: nil, context: context)
            } else {
                if let body { append(body, to: &bytes) }
                end(nil, after: bytes, context: context)
            }
        case .body(let body):
            switch framing {
            case .none: return
            case .length: context.write(wrapOutboundOut(body), promise: nil)
            case .chunked:
                guard body.readableBytes > 0 else { return }
                var bytes = context.channel.allocator.buffer(capacity: body.readableBytes + 12)
                bytes.writeHTTP1Chunk(body)
                context.write(wrapOutboundOut(bytes), promise: nil)
            }
            if flush { context.flush() }
        case .end(let trailers):
            end(trailers, after: nil, context: context)
        }
    }

    private func writeHead(_ head: HTTPResponse, into bytes: inout ByteBuffer) {
        let answering = pending.first ?? Pending(keepAlive: false, bodyless: false)
        let last = !answering.keepAlive || (closeWhenAnswered && pending.count == 1)
        framing = bytes.writeHTTP1Head(head, bodyless: answering.bodyless, close: last)
    }

    /// Appends a body part to `bytes`, framed.
    private func append(_ body: ByteBuffer, to bytes: inout ByteBuffer) {
        switch framing {
        case .none: break
        case .length: bytes.writeImmutableBuffer(body)
        case .chunked: bytes.writeHTTP1Chunk(body)
        }
    }

    /// Ends the answer: writes `bytes` (what is left of it) and the body's end, and closes the connection once they
    /// are out if this answer was its last.
    private func end(_ trailers: HTTPFields?, after bytes: ByteBuffer?, context: ChannelHandlerContext) {
        var bytes = bytes ?? context.channel.allocator.buffer(capacity: framing == .chunked ? 8 : 0)
        if framing == .chunked { bytes.writeHTTP1LastChunk(trailers: trailers) }
        framing = .none
        let keep = pending.isEmpty ? false : pending.removeFirst().keepAlive
        guard !keep || (closeWhenAnswered && pending.isEmpty && head == nil) else {
            context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
            return
        }
        // The connection closes once the answer is out (closing at once would drop what the socket has not
        // taken yet).
        state.finishInbound()
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(bytes), promise: written)
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
    }

    /// Resumes `waiter` once the connection can take more (at once if it can), or fails it if the connection is gone.
    func whenWritable(_ waiter: CheckedContinuation<Void, any Error>) {
        guard let context, !state.isClosed else {
            waiter.resume(throwing: ChannelError.ioOnClosedChannel)
            return
        }
        if context.channel.isWritable {
            waiter.resume()
        } else {
            writabilityWaiters.append(waiter)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        state.setWritable(writable)
        if writable {
            let waiters = writabilityWaiters
            writabilityWaiters = []
            for waiter in waiters { waiter.resume() }
        }
        context.fireChannelWritabilityChanged()
    }
}
