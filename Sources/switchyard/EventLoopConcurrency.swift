import Foundation
import NIOCore
import NIOPosix

/// Runs Swift concurrency's global jobs on NIO's event loops, so the HTTP server, the upstream client and the
/// handlers share two threads instead of hopping between two thread pools.
///
/// NIO's own takeover (`NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`) runs
/// each job *on the event loop as a serial executor*. Every `nonisolated` async function starts by switching to the
/// generic executor, which is then a different executor: each such call became one more job queued on the loop
/// (about 95 per proxied chat completion, measured with a uprobe on `swift_job_run`). Here a job runs on the loop as
/// the generic executor, as the default global executor runs it, so those switches continue in place.
///
/// Opt-in (`SWITCHYARD_EXECUTOR=generic`): 4 jobs per proxied request instead of about 94, 8–18 % less CPU per
/// request at one connection, and 42 µs of CPU per streamed chunk instead of 46 at 400 streams
/// (`scripts/bench/streams.sh`, gaps alike: p99 26 ms against 27). With 1,000 streams, past what this project's 2-core
/// machine can carry, the gateway reads several chunks of a stream at once and a task relays them in one go: p50 gap
/// 0 ms, p99 112–172 ms against 74–92 with NIO's takeover, whose one-job-per-hop round robin spreads them. Yielding
/// after each chunk while more wait made it worse (p99 132–165 ms, a max gap of 1.6 s), so it stays opt-in. The
/// default (`EventLoopTaskExecutor`) gives handlers the same in-place awaits and leaves streams to the takeover.
enum EventLoopConcurrency {
    private typealias EnqueueHook =
        @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Installs the hook. Call once, before anything async runs.
    /// - Returns: Whether the runtime offered the hook.
    @discardableResult
    static func install() -> Bool {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "swift_task_enqueueGlobal_hook") else {
            return false
        }
        let slot = symbol.assumingMemoryBound(to: UnsafeRawPointer?.self)
        withUnsafeTemporaryAllocation(of: EnqueueHook.self, capacity: 1) { hook in
            hook.baseAddress!.initialize(to: { job, _ in
                // Sticky: from a loop of the group, the same loop (no wake-up, no thread switch).
                MultiThreadedEventLoopGroup.singleton.any().execute { EventLoopConcurrency.runAsGeneric(job) }
            })
            hook.baseAddress!.withMemoryRebound(to: UnsafeRawPointer.self, capacity: 1) { slot.pointee = $0.pointee }
        }
        return true
    }

    fileprivate static func runAsGeneric(_ job: UnownedJob) {
        // The generic executor is the null executor reference: two zero words.
        _swiftJobRun(job, unsafeBitCast((0, 0) as (Int, Int), to: UnownedSerialExecutor.self))
    }
}

@_silgen_name("swift_job_run")
private func _swiftJobRun(_ job: UnownedJob, _ executor: UnownedSerialExecutor)
