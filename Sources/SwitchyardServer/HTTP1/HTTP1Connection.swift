import HTTPTypes
import HummingbirdCore
import NIOCore
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

    /// Writes `response`: its head, then its body. A body of known length goes out with the head in one write at its
    /// end; one of unknown length (a stream) is sent as each part comes, and waits while the client is not reading.
    /// A cancelled task still writes (a request cancelled by a shutdown's drain is answered 503).
    /// - Throws: The channel's error when the connection is gone; the caller closes the connection.
    func write(_ response: Response) async throws {
        if response.body.contentLength == nil {
            try send(.head(response.head), flush: false)
            try await response.body.write(StreamWriter(connection: self))
        } else {
            try await response.body.write(WholeWriter(connection: self, head: response.head))
        }
    }

    fileprivate func send(_ part: HTTP1ConnectionHandler.Part, flush: Bool) throws {
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

    /// Writes a streamed body: each part at once, then waits while the connection is not writable.
    private struct StreamWriter: ResponseBodyWriter {
        let connection: HTTP1Connection

        mutating func write(_ buffer: ByteBuffer) async throws {
            try connection.send(.body(buffer), flush: true)
            try await connection.untilWritable()
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
            try connection.send(.end(trailingHeaders), flush: true)
        }
    }

    /// Writes a body of known length: a body written in one part goes out with the head and the end in one write;
    /// one written in several parts follows the head part by part.
    private struct WholeWriter: ResponseBodyWriter {
        let connection: HTTP1Connection
        /// Nil once sent.
        var head: HTTPResponse?
        /// The first part, held until the body's end or its next part.
        var held: ByteBuffer?

        init(connection: HTTP1Connection, head: HTTPResponse) {
            self.connection = connection
            self.head = head
        }

        mutating func write(_ buffer: ByteBuffer) async throws {
            if let head {
                guard let first = held else {
                    held = buffer
                    return
                }
                try connection.send(.head(head), flush: false)
                try connection.send(.body(first), flush: false)
                self.head = nil
                held = nil
            }
            try connection.send(.body(buffer), flush: false)
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
            if let head {
                try connection.send(.whole(head, body: held), flush: true)
            } else {
                try connection.send(.end(trailingHeaders), flush: true)
            }
        }
    }
}
