import NIOCore
import SwitchyardCore

/// Turns an SSE response body into a ``ProviderEventStream``, with a per-provider mapping of events. The consumer's
/// task reads the body itself: no task of its own and no buffer between tasks.
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
        from body: UpstreamBody,
        map: @escaping @Sendable (SSEEvent) throws -> Mapped,
        atEOF: @escaping @Sendable (_ sawFinish: Bool) -> ProviderFailure?
    ) -> ProviderEventStream {
        ProviderEventStream(source: { Source(body: body.makeAsyncIterator(), map: map, atEOF: atEOF) })
    }

    /// Reads the body a network read at a time, and hands out the events of each read in order. A failure (a
    /// broken body, an in-band error) comes after the events that preceded it.
    struct Source: ProviderEventSource {
        var body: UpstreamBody.AsyncIterator
        let map: @Sendable (SSEEvent) throws -> Mapped
        let atEOF: @Sendable (Bool) -> ProviderFailure?
        private var parser = SSEParser()
        private var ready: [StreamEvent] = []
        private var readIndex = 0
        private var sawFinish = false
        /// Set once the stream has ended: nil for a normal end, else the failure still to throw.
        private var ending: ProviderFailure??

        init(
            body: UpstreamBody.AsyncIterator, map: @escaping @Sendable (SSEEvent) throws -> Mapped,
            atEOF: @escaping @Sendable (Bool) -> ProviderFailure?
        ) {
            self.body = body
            self.map = map
            self.atEOF = atEOF
        }

        mutating func next() async throws -> StreamEvent? {
            while true {
                if readIndex < ready.count {
                    readIndex += 1
                    return ready[readIndex - 1]
                }
                if let ending {
                    self.ending = .some(nil)
                    if let failure = ending { throw failure }
                    return nil
                }
                ready.removeAll(keepingCapacity: true)
                readIndex = 0
                do {
                    if let chunk = try await body.next() {
                        deliver(parser.feed(chunk.readableBytesView))
                    } else {
                        if let last = parser.finish() { deliver([last]) }
                        if ending == nil { ending = .some(atEOF(sawFinish)) }
                    }
                } catch {
                    ending = .some(HTTPTransport.classify(error))
                }
            }
        }

        /// Maps events into `ready` until the terminal marker or an in-band error, which end the stream.
        private mutating func deliver(_ events: [SSEEvent]) {
            for event in events {
                do {
                    switch try map(event) {
                    case .end:
                        ending = .some(nil)
                        return
                    case .events(let mapped):
                        for item in mapped {
                            if case .finish = item { sawFinish = true }
                            ready.append(item)
                        }
                    }
                } catch {
                    ending = .some(HTTPTransport.classify(error))
                    return
                }
            }
        }
    }
}
