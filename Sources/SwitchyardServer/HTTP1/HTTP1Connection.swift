import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import SwitchyardHTTP
import Synchronization

/// One HTTP/1 connection of a ``DirectHTTP1Channel``, as its task sees it: the next request, and a way to write the
/// answer.
///
/// On the connection's event loop (the task prefers it, ``EventLoopTaskExecutor``) a write goes straight to the
/// channel handler: no async writer, no job per part. Off the loop (a response stream's relay) it is queued on the
/// loop, and every later write follows through the queue while any is pending, so the order holds. A streamed body
/// waits while the connection is not writable (the client reads slower than the stream comes).
final class HTTP1Connection: ServerChildChannelValue, Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<HTTP1ConnectionHandler>
    private let state: HTTP1ConnectionState
    /// Fires when the client goes.
    var gone: OnceSignal { state.gone }
    /// Writes queued on the loop and not run yet.
    private let queued = Atomic(0)

    init(channel: any Channel, handler: HTTP1ConnectionHandler) {
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        self.state = handler.state
    }

    /// The next request (or refusal) to answer, in order; nil once the connection will bring no more.
    func next() async -> HTTP1ConnectionState.Item? {
        let (item, resumeReading) = await state.next()
        if resumeReading { onLoop { $0.resumeReading() } }
        return item
    }

    /// Ends ``next()``: no request read from now on is answered.
    func takeNoMore() {
        state.finishInbound()
    }

    /// Writes `response`: its head, then its body. A body of known length goes out in one write at its end; one of
    /// unknown length (a stream) is sent as each part comes, and waits while the client is not reading.
    /// A cancelled task still writes (a request cancelled by a shutdown's drain is answered 503).
    /// - Throws: The channel's error when the connection is gone; the caller closes the connection.
    func write(_ response: Response) async throws {
        let head = HTTPResponseHead(response.head)
        let streamed = response.body.contentLength == nil
        try send(.head(head), flush: false)
        try await response.body.write(BodyWriter(connection: self, streamed: streamed))
    }

    fileprivate func send(_ part: HTTPServerResponsePart, flush: Bool) throws {
        guard !state.isClosed else { throw ChannelError.ioOnClosedChannel }
        // Not through `onLoop`: on the loop, no closure is made for the write.
        if let handler = handlerInPlace {
            handler.write(part, flush: flush)
        } else {
            queue { $0.write(part, flush: flush) }
        }
    }

    /// The handler, when the caller runs on the loop and nothing is queued there before it.
    private var handlerInPlace: HTTP1ConnectionHandler? {
        channel.eventLoop.inEventLoop && queued.load(ordering: .acquiring) == 0 ? handler.value : nil
    }

    /// Returns once the connection can take more; throws if it is gone.
    fileprivate func untilWritable() async throws {
        guard !state.isWritable else { return }
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            onLoop { $0.whenWritable(waiter) }
        }
    }

    /// Runs `body` with the handler on the loop: at once when called there with nothing queued before it, else
    /// queued after what is.
    private func onLoop(_ body: @escaping @Sendable (HTTP1ConnectionHandler) -> Void) {
        if let handler = handlerInPlace {
            body(handler)
        } else {
            queue(body)
        }
    }

    /// Queues `body` on the loop, after what is queued there.
    private func queue(_ body: @escaping @Sendable (HTTP1ConnectionHandler) -> Void) {
        queued.add(1, ordering: .acquiringAndReleasing)
        channel.eventLoop.execute {
            self.queued.subtract(1, ordering: .acquiringAndReleasing)
            body(self.handler.value)
        }
    }

    /// Writes a response body to the connection.
    private struct BodyWriter: ResponseBodyWriter {
        let connection: HTTP1Connection
        /// The body's length is unknown: each part is sent at once, and waits for a connection that is not writable.
        let streamed: Bool

        mutating func write(_ buffer: ByteBuffer) async throws {
            try connection.send(.body(.byteBuffer(buffer)), flush: streamed)
            if streamed { try await connection.untilWritable() }
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
            try connection.send(.end(trailingHeaders.map { HTTPHeaders($0) }), flush: true)
        }
    }
}
