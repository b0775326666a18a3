import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// An upstream's streamed answer: its status and headers, and the body as it arrives.
public struct UpstreamStream: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: UpstreamBody
}

/// A streamed response body, a network read at a time (NIO's `collect(upTo:)` reads it whole). Dropping it before its
/// end closes the upstream connection (the exchange is unfinished, so the connection cannot carry another).
public struct UpstreamBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    public typealias Failure = any Error

    private enum Source: Sendable {
        case pooled(UpstreamBodyReader.Consumer)
        case general(HTTPClientResponse.Body)
    }

    private let source: Source

    init(_ reader: UpstreamBodyReader) {
        source = .pooled(.init(reader))
    }

    init(_ body: HTTPClientResponse.Body) {
        source = .general(body)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch source {
        case .pooled(let consumer): AsyncIterator(source: .pooled(consumer))
        case .general(let body): AsyncIterator(source: .general(body.makeAsyncIterator()))
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate enum Source {
            case pooled(UpstreamBodyReader.Consumer)
            case general(HTTPClientResponse.Body.AsyncIterator)
        }

        fileprivate var source: Source

        public mutating func next() async throws -> ByteBuffer? {
            switch source {
            case .pooled(let consumer): return try await consumer.reader.next()
            case .general(var iterator):
                defer { source = .general(iterator) }
                return try await iterator.next()
            }
        }
    }
}

/// Hands a streamed body from its connection's handler (on the event loop) to the task that reads it: parts are
/// buffered until read, and the connection stops reading while more than ``pauseAbove`` bytes wait (resumed below
/// ``resumeBelow``), so an upstream faster than its client is held back by TCP. A waiting reader is resumed straight
/// from the handler: one continuation per network read, no sequence producer or writer between them.
final class UpstreamBodyReader: Sendable {
    /// Buffered bytes above which the connection stops reading.
    static let pauseAbove = 512 * 1024
    /// Buffered bytes below which a paused connection reads again.
    static let resumeBelow = 128 * 1024

    private struct State {
        var parts = CircularBuffer<ByteBuffer>()
        var bufferedBytes = 0
        /// Set when the body has ended: success, or the failure still to throw.
        var end: Result<Void, any Error>?
        var waiter: UnsafeContinuation<ByteBuffer?, any Error>?
        var paused = false
    }

    private let state = Mutex(State())
    private let channel: any Channel

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Whether the connection should hold its reads (the handler asks before each).
    var isPaused: Bool { state.withLock { $0.paused } }

    // MARK: The connection's side (on its event loop)

    /// A part of the body arrived.
    func receive(_ part: ByteBuffer) {
        let waiter = state.withLock { state -> UnsafeContinuation<ByteBuffer?, any Error>? in
            guard state.end == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.parts.append(part)
            state.bufferedBytes += part.readableBytes
            if state.bufferedBytes > Self.pauseAbove { state.paused = true }
            return nil
        }
        waiter?.resume(returning: part)
    }

    /// The body ended: normally with nil, else with the failure to report after the buffered parts.
    /// - Returns: False when the reader had stopped it first (its connection is then being closed).
    @discardableResult
    func finish(_ failure: (any Error)?) -> Bool {
        let (ended, waiter) = state.withLock { state -> (Bool, UnsafeContinuation<ByteBuffer?, any Error>?) in
            guard state.end == nil else { return (false, nil) }
            state.end = failure.map { .failure($0) } ?? .success(())
            state.paused = false
            defer { state.waiter = nil }
            return (true, state.waiter)
        }
        if let waiter {
            if let failure { waiter.resume(throwing: failure) } else { waiter.resume(returning: nil) }
        }
        return ended
    }

    // MARK: The reader's side

    /// - Returns: The next part, or nil after the last.
    func next() async throws -> ByteBuffer? {
        if let ready = take(waiter: nil) { return try ready.get() }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                if let ready = take(waiter: continuation) { continuation.resume(with: ready) }
            }
        } onCancel: {
            self.stop(CancellationError())
        }
    }

    /// A part or the end when one is ready; else nil, and `waiter` (when given) waits for what comes next.
    private func take(waiter: UnsafeContinuation<ByteBuffer?, any Error>?) -> Result<ByteBuffer?, any Error>? {
        let (ready, resume) = state.withLock { state -> (Result<ByteBuffer?, any Error>?, Bool) in
            if let part = state.parts.popFirst() {
                state.bufferedBytes -= part.readableBytes
                guard state.paused, state.bufferedBytes < Self.resumeBelow else { return (.success(part), false) }
                state.paused = false
                return (.success(part), true)
            }
            if let end = state.end { return (end.map { nil }, false) }
            state.waiter = waiter
            return (nil, false)
        }
        if resume { channel.read() }
        return ready
    }

    /// Ends an unfinished body from the reader's side (cancelled, or dropped): the connection is closed, since its
    /// exchange cannot complete. A body already ended leaves the connection alone (it may serve another exchange).
    func stop(_ reason: any Error) {
        let (stopped, waiter) = state.withLock { state -> (Bool, UnsafeContinuation<ByteBuffer?, any Error>?) in
            guard state.end == nil else { return (false, nil) }
            state.end = .failure(reason)
            state.parts.removeAll()
            state.bufferedBytes = 0
            defer { state.waiter = nil }
            return (true, state.waiter)
        }
        guard stopped else { return }
        channel.close(promise: nil)
        waiter?.resume(throwing: reason)
    }

    /// Holds the reader for the body's consumers; when the last one lets go, an unfinished body is stopped.
    final class Consumer: Sendable {
        let reader: UpstreamBodyReader

        init(_ reader: UpstreamBodyReader) {
            self.reader = reader
        }

        deinit {
            reader.stop(UpstreamHTTPError.connectionClosed)
        }
    }
}
