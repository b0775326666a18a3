import NIOPosix

/// Runs Swift tasks on the SQLite writer's thread. A write transaction whose statements are chosen by async code (the
/// ledger's) runs under this executor's preference, so that every statement, and the COMMIT, runs on the writer thread
/// in one stretch: no hop per statement, and no SQLite work (which may checkpoint and sync) on the cooperative pool
/// that serves requests.
final class WriterTaskExecutor: TaskExecutor {
    private let thread: NIOThreadPool

    /// - Parameter thread: The writer's one-thread pool.
    init(thread: NIOThreadPool) {
        self.thread = thread
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        thread.submit { _ in job.runSynchronously(on: executor) }
    }
}
