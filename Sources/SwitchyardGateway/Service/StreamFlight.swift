import SwitchyardCore
import Synchronization

/// One upstream stream that identical concurrent streamed requests read together (a route's `dedupe`). Its pump
/// walks the chain to the commit point, then reads the stream into a log; every request is a reader of that log from
/// its start, at its own pace, and sees the same failure if the walk or the stream fails. The pump runs in a task of
/// its own: a reader that leaves does not cut the stream, the last one does.
final class StreamFlight: Sendable {
    private enum End {
        case finished
        case failed(ProviderFailure)
    }

    private struct State {
        /// nil until the walk reaches the commit point or fails.
        var opened: Result<CommittedStream, GatewayFailure>?
        var events: [StreamEvent] = []
        var end: End?
        var readers = 0
        var waiters: [Int: UnsafeContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var pump: Task<Void, Never>?
    }

    private let state = Mutex(State())

    /// Counts a reader in; it must call ``leave()`` once it is done (``GatewayService/streamEnded``).
    func join() {
        state.withLock { $0.readers += 1 }
    }

    /// One reader is done; the last one, before the stream ended, cancels the pump (and so the upstream).
    func leave() {
        let pump = state.withLock { state -> Task<Void, Never>? in
            state.readers -= 1
            return state.readers == 0 && state.end == nil ? state.pump : nil
        }
        pump?.cancel()
    }

    /// Starts the pump: it opens the stream (`open`), publishes every event it reads, and calls `ended` with the
    /// stream's tally and `done` before the readers see the end (so that what `ended` records is there when they
    /// finish); after a failed walk, `done` only.
    func start(
        open: @escaping @Sendable () async throws(GatewayFailure) -> CommittedStream,
        ended: @escaping @Sendable (CommittedStream, StreamTally, ProviderFailure?) -> Void,
        done: @escaping @Sendable () -> Void
    ) {
        let task = Task {
            let committed: CommittedStream
            do throws(GatewayFailure) {
                committed = try await open()
            } catch {
                publish { $0.opened = .failure(error) }
                done()
                return
            }
            publish { $0.opened = .success(committed) }
            let (tally, failure) = await committed.drain { event in publish { $0.events.append(event) } }
            ended(committed, tally, failure)
            done()
            publish { $0.end = failure.map(End.failed) ?? .finished }
        }
        state.withLock { $0.pump = task }
    }

    /// Waits for the commit point, then gives this reader the stream from its first event.
    /// - Throws: The walk's ``GatewayFailure``; `cancelled` when the waiting task is.
    func reader() async throws(GatewayFailure) -> CommittedStream {
        while true {
            guard !Task.isCancelled else { throw GatewayFailure(reason: .cancelled, lastFailure: nil, attempts: []) }
            let opened = state.withLock { $0.opened }
            switch opened {
            case .success(var committed)?:
                committed.head = []
                committed.rest = EventIteratorBox(
                    ProviderEventStream(source: { Reader(flight: self) }).makeAsyncIterator())
                committed.flight = self
                return committed
            case .failure(let failure)?:
                throw failure
            case nil:
                await changed(since: nil)
            }
        }
    }

    /// Reads the log from its start.
    private struct Reader: ProviderEventSource {
        let flight: StreamFlight
        var position = 0

        mutating func next() async throws -> StreamEvent? {
            while true {
                try Task.checkCancellation()
                let position = self.position
                let (event, end) = flight.state.withLock { state -> (StreamEvent?, End?) in
                    position < state.events.count ? (state.events[position], nil) : (nil, state.end)
                }
                if let event {
                    self.position += 1
                    return event
                }
                switch end {
                case .finished?: return nil
                case .failed(let failure)?: throw failure
                case nil: await flight.changed(since: position)
                }
            }
        }
    }

    /// Applies `change` and wakes every waiting reader.
    private func publish(_ change: (inout State) -> Void) {
        let waiters = state.withLock { state -> [UnsafeContinuation<Void, Never>] in
            change(&state)
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the log grew past `count` events, the stream ended or opened (`count` nil: once it opened), or
    /// the waiting task was cancelled.
    private func changed(since count: Int?) async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    let moved =
                        if let count { state.events.count > count || state.end != nil } else { state.opened != nil }
                    guard !moved, !Task.isCancelled else { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
