import NIOCore
import SwitchyardHTTP
import Synchronization

/// The connections a ``ListeningServer`` accepted and the task serving each: started the moment a connection is
/// accepted, asked to finish (quiesced) when the server drains, cancelled when it must stop at once, and waited for.
final class OpenConnections: Sendable {
    private struct State {
        var nextID = 0
        var open: [Int: (channel: any Channel, task: Task<Void, Never>)] = [:]
        var quiescing = false
        var cancelled = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    /// Whether a connection's task prefers its connection's event loop as its executor (``EventLoopTaskExecutor``).
    let preferLoops: Bool

    init(preferLoops: Bool) {
        self.preferLoops = preferLoops
    }

    /// Serves `channel` with `serve` in a task of its own, started now (on the channel's event loop when it prefers
    /// it, else on the calling one when called from a loop). A connection accepted while draining is asked to finish
    /// after what it is answering; one accepted after ``cancelAll()`` has its task cancelled at once (the task still
    /// runs, so the connection is finished and closed by the code that owns it, never dropped half-open).
    func serve(_ channel: any Channel, _ serve: @escaping @Sendable () async -> Void) {
        let (task, quiescing, cancelled) = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            // The task removes itself under the same lock, so it cannot finish before it is recorded.
            let task = Task(executorPreference: preferLoops ? EventLoopTaskExecutor.of(channel.eventLoop) : nil) {
                [weak self] in
                await serve()
                self?.finished(id)
            }
            state.open[id] = (channel, task)
            return (task, state.quiescing, state.cancelled)
        }
        if cancelled {
            task.cancel()
        } else if quiescing {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    /// Asks every connection to close once it has answered what it is answering (idle ones close at once), and each
    /// one accepted from now on likewise.
    func quiesceAll() {
        let channels = state.withLock { state in
            state.quiescing = true
            return state.open.values.map(\.channel)
        }
        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    /// Cancels every connection's task (its channel's input closes), and the task of each one accepted later.
    func cancelAll() {
        let tasks = state.withLock { state in
            state.cancelled = true
            return state.open.values.map(\.task)
        }
        for task in tasks { task.cancel() }
    }

    /// Returns when no connection is open.
    func untilAllClosed() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.open.isEmpty { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func finished(_ id: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open[id] = nil
            guard state.open.isEmpty else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
