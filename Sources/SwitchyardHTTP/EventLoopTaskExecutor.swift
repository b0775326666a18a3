import Hummingbird
import NIOCore
import Synchronization

/// An event loop as a Swift task executor (SE-0417). A task that prefers it runs its `nonisolated` async code on that
/// loop as the task executor, so awaiting a nonisolated function continues in place. Under NIO's takeover of the
/// global executor alone, each job runs as the loop's serial executor, and every such call switches to the generic
/// executor: one more job queued on the loop (about 94 per proxied chat completion).
///
/// The server starts each connection's task preferring its connection's loop; the task that answers the connection's
/// requests (cancelled on its own when the client goes) inherits that preference (``inherited(on:)``), and a response
/// stream's relay gives it up (``relay(_:)``): past capacity, a relay that runs until it really suspends sends a
/// stream's backlog in one burst, where the takeover's job-per-hop round robin spreads the streams' chunks.
public final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    private init(loop: any EventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }

    private static let executors = Mutex<[ObjectIdentifier: EventLoopTaskExecutor]>([:])
    private static let preferTheirLoops = Atomic(false)

    /// Whether the server's connection tasks prefer their loops: set by the entry point before it serves
    /// (`SWITCHYARD_EXECUTOR`, on unless `takeover`, `generic` or `pool`); off in tests unless a test sets up a
    /// listener with it.
    public static var connectionsPreferTheirLoops: Bool {
        get { preferTheirLoops.load(ordering: .relaxed) }
        set { preferTheirLoops.store(newValue, ordering: .relaxed) }
    }

    /// The executor of `loop` (one per loop, kept for the process's life).
    public static func of(_ loop: any EventLoop) -> EventLoopTaskExecutor {
        executors.withLock { executors in
            if let known = executors[ObjectIdentifier(loop)] { return known }
            let made = EventLoopTaskExecutor(loop: loop)
            executors[ObjectIdentifier(loop)] = made
            return made
        }
    }

    /// The executor of `loop` when the current task prefers it, else nil: for a task started on the current task's
    /// behalf, which does not inherit the preference by itself.
    public static func inherited(on loop: any EventLoop) -> EventLoopTaskExecutor? {
        guard let current = withUnsafeCurrentTask(body: { $0?.unownedTaskExecutor }) else { return nil }
        let executor = of(loop)
        return current == executor.asUnownedTaskExecutor() ? executor : nil
    }

    /// Runs `body` without the current task's executor preference, if it has one: in a task of its own (a task
    /// started so inherits no preference; one entered with `withTaskExecutorPreference(globalConcurrentExecutor)`
    /// did, and cost 5–8 % more CPU per streamed chunk), which the caller awaits and cancels with itself.
    public static func relay<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard withUnsafeCurrentTask(body: { $0?.unownedTaskExecutor }) != nil else { return try await body() }
        let task = Task { try await body() }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}

extension ResponseBody {
    /// A streamed body (Server-Sent Events) written without the connection's loop preference
    /// (``EventLoopTaskExecutor/relay(_:)``).
    public static func relay(
        _ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void
    )
        -> ResponseBody
    {
        ResponseBody { writer in
            let box = WriterBox(writer)
            defer { writer = box.writer }
            try await EventLoopTaskExecutor.relay {
                // A local copy, not `&box.writer`: an access to the property held for the whole stream would be
                // tracked, and checked against every other access, until the stream ends.
                var writer = box.writer
                defer { box.writer = writer }
                try await write(&writer)
            }
        }
    }
}

/// Carries a response's writer into the relay's task; the writing task awaits the relay, so one task uses it at a
/// time.
private final class WriterBox: @unchecked Sendable {
    var writer: any ResponseBodyWriter

    init(_ writer: any ResponseBodyWriter) {
        self.writer = writer
    }
}
