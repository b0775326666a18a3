import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import SwitchyardHTTP

/// The last handler of a ``DirectHTTP1Channel`` connection, after NIO's HTTP/1 codec: reads each request whole (head
/// and body) and hands it to the connection's task (``HTTP1ConnectionState``), writes what the task answers, and
/// closes the connection after the answer that ends it (the request asked to close, a shutdown quiesced the
/// connection, or the request was refused).
///
/// Requests are answered one at a time, in order. Pipelined requests wait in the state, and reading stops while
/// ``HTTP1ConnectionState/maximumQueued`` wait there. Reading goes on while a request is answered, so that a client
/// that leaves (input closed) is seen at once: the state's `gone` signal fires (and the registry knows it).
///
/// A shutdown's request to quiesce is held back for ``Drain/quiesceDelay``, so that a request already sent on a new or
/// idle connection is still read and answered; the connection closes after it.
final class HTTP1ConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let state: HTTP1ConnectionState
    private let registry: DisconnectRegistry?
    private let secure: Bool
    private let maximumBodyBytes: Int
    private var context: ChannelHandlerContext?
    /// The request being read.
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    /// The request being read was refused; the rest of it is dropped.
    private var discarding = false
    /// Whether each request read and not yet answered keeps the connection open, oldest first.
    private var keepAlive = CircularBuffer<Bool>()
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
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard !closeWhenAnswered else {
                discarding = true
                return
            }
            self.head = head
            body = nil
            discarding = false
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > maximumBodyBytes {
                refuse(.bodyTooLarge(limit: maximumBodyBytes))
            } else if keepAlive.isEmpty, head.version == .http1_1,
                head.headers.first(name: "expect")?.lowercased() == "100-continue"
            {
                // The client waits for this before it sends the body (curl does for large ones); with an answer
                // still going out, it waits its own timeout instead.
                let interim = HTTPResponseHead(version: .http1_1, status: .continue)
                context.writeAndFlush(wrapOutboundOut(.head(interim)), promise: nil)
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
            guard !discarding, let head else { return }
            self.head = nil
            do {
                let request = try HTTPRequest(head, secure: secure, splitCookie: false)
                keepAlive.append(head.isKeepAlive)
                let buffer = body ?? ByteBuffer()
                body = nil
                hand(.request(Request(head: request, body: RequestBody(buffer: buffer))))
            } catch {
                refuse(
                    .invalidRequest("The request's method or header fields are not valid HTTP.", code: "bad_request"))
            }
        }
    }

    /// Answers the request being read with `error` (in its turn) and closes the connection after it.
    private func refuse(_ error: APIError) {
        head = nil
        body = nil
        discarding = true
        keepAlive.append(false)
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
        guard error is HTTPParserError else {
            context.close(promise: nil)
            return
        }
        // NIO's decoder reads nothing more after a parse error: answer 400 in turn, then close.
        guard !closeWhenAnswered else { return }
        refuse(.invalidRequest("The request is not valid HTTP/1.1.", code: "bad_request"))
        state.finishInbound()
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
            if keepAlive.isEmpty { context.close(promise: nil) }
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
        if keepAlive.isEmpty, head == nil {
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
    func write(_ part: HTTPServerResponsePart, flush: Bool) {
        guard let context, !state.isClosed else { return }
        switch part {
        case .head(var head):
            let last = keepAlive.first == false || (closeWhenAnswered && keepAlive.count == 1)
            if last { head.headers.replaceOrAdd(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if flush { context.flush() }
        case .body:
            context.write(wrapOutboundOut(part), promise: nil)
            if flush { context.flush() }
        case .end:
            let keep = keepAlive.isEmpty ? false : keepAlive.removeFirst()
            guard !keep || (closeWhenAnswered && keepAlive.isEmpty && head == nil) else {
                context.writeAndFlush(wrapOutboundOut(part), promise: nil)
                return
            }
            // The connection closes once the answer is out (closing at once would drop what the socket has not
            // taken yet).
            state.finishInbound()
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(part), promise: written)
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
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
