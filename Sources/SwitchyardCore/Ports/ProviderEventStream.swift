/// The events of one streamed answer. It ends normally after the provider's terminal marker, or throws a
/// ``ProviderFailure`` when the stream breaks.
///
/// An adapter either hands over a ``ProviderEventSource`` that the consumer pulls in its own task (the adapters that
/// read an HTTP body do: each event costs no task switch and no buffer between tasks, and an upstream that sends
/// faster than the client reads is held back by the body's own back-pressure), or feeds an `AsyncThrowingStream`
/// from a task of its own (``init(_:)-(AsyncThrowingStream)``, ``makeStream()``).
public struct ProviderEventStream: AsyncSequence, Sendable {
    public typealias Element = StreamEvent
    public typealias Failure = any Error

    private let makeSource: @Sendable () -> any ProviderEventSource

    /// - Parameter makeSource: Makes the source when the stream is iterated (once).
    public init(source makeSource: @escaping @Sendable () -> any ProviderEventSource) {
        self.makeSource = makeSource
    }

    /// The events of an `AsyncThrowingStream`.
    public init(_ stream: AsyncThrowingStream<StreamEvent, any Error>) {
        self.init(source: { StreamSource(iterator: stream.makeAsyncIterator()) })
    }

    /// The events that `build` yields into a continuation, as `AsyncThrowingStream`'s initializer has them.
    public init(_ build: (AsyncThrowingStream<StreamEvent, any Error>.Continuation) -> Void) {
        self.init(AsyncThrowingStream<StreamEvent, any Error>(StreamEvent.self, build))
    }

    /// - Returns: A stream and the continuation that feeds it.
    public static func makeStream() -> (
        stream: ProviderEventStream, continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    ) {
        let (stream, continuation) = AsyncThrowingStream<StreamEvent, any Error>.makeStream()
        return (ProviderEventStream(stream), continuation)
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: makeSource())
    }

    /// Pulls the source's events.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var source: any ProviderEventSource

        public mutating func next() async throws -> StreamEvent? {
            try await source.next()
        }
    }

    private struct StreamSource: ProviderEventSource {
        var iterator: AsyncThrowingStream<StreamEvent, any Error>.AsyncIterator

        mutating func next() async throws -> StreamEvent? {
            try await iterator.next()
        }
    }
}

/// Where a stream's events come from, pulled one at a time by the consumer's task.
public protocol ProviderEventSource {
    /// - Returns: The next event, or nil after the last one.
    /// - Throws: ``ProviderFailure`` when the stream breaks; after that, or after nil, nothing more comes.
    mutating func next() async throws -> StreamEvent?
}
