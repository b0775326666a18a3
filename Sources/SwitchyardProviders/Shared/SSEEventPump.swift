import AsyncHTTPClient
import NIOCore
import SwitchyardCore

/// Turns an SSE response body into a ``ProviderEventStream``, with a per-provider mapping of events.
enum SSEEventPump {
    /// What one SSE event means.
    enum Mapped {
        case events([StreamEvent])
        /// The provider's terminal marker: the stream is complete.
        case end
    }

    /// - Parameters:
    ///   - body: The response body.
    ///   - map: Maps one SSE event; throws ``ProviderFailure`` for in-band errors.
    ///   - atEOF: Called when the body ends without a terminal marker, with whether a finish reason was seen;
    ///     returns the failure to report, or nil when closing is a normal end for this provider.
    /// - Returns: The event stream.
    static func events(
        from body: HTTPClientResponse.Body,
        map: @escaping @Sendable (SSEEvent) throws -> Mapped,
        atEOF: @escaping @Sendable (_ sawFinish: Bool) -> ProviderFailure?
    ) -> ProviderEventStream {
        let (stream, continuation) = ProviderEventStream.makeStream()
        let task = Task {
            var parser = SSEParser()
            var sawFinish = false
            func deliver(_ events: [SSEEvent]) throws -> Bool {
                for event in events {
                    switch try map(event) {
                    case .end:
                        return true
                    case .events(let mapped):
                        for item in mapped {
                            if case .finish = item { sawFinish = true }
                            continuation.yield(item)
                        }
                    }
                }
                return false
            }
            do {
                for try await chunk in body {
                    if try deliver(parser.feed(chunk.readableBytesView)) {
                        continuation.finish()
                        return
                    }
                }
                if let last = parser.finish(), try deliver([last]) {
                    continuation.finish()
                    return
                }
                if let failure = atEOF(sawFinish) {
                    continuation.finish(throwing: failure)
                } else {
                    continuation.finish()
                }
            } catch {
                continuation.finish(throwing: HTTPTransport.classify(error))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
