import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Where JSON log lines go: standard error, with the lines written on an event loop gathered into one `write` per
/// pass of that loop. Every request logs a line, and a `write` per line was a system call per request; gathered, the
/// lines of the requests answered in one pass cost one. A line written off the event loops (start-up, shutdown,
/// background work) is written at once, after any gathered before it, so the order is kept.
public final class LogOutput: Sendable {
    /// The process's standard error.
    public static let standardError = LogOutput(descriptor: STDERR_FILENO)

    /// Past this many bytes waiting, a line is written at once instead of at the end of the pass.
    static let flushThreshold = 64 * 1024

    private struct Pending {
        var bytes: [UInt8] = []
        var scheduled = false
    }

    private let descriptor: Int32
    private let pending = Mutex(Pending())
    /// Held while writing, so lines reach the descriptor in the order they were taken.
    private let writing = Mutex(())

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Takes a line (newline included).
    func write(_ line: [UInt8]) {
        guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else {
            pending.withLock { $0.bytes.append(contentsOf: line) }
            flush()
            return
        }
        let action = pending.withLock { pending -> Action in
            pending.bytes.append(contentsOf: line)
            if pending.bytes.count >= Self.flushThreshold { return .flushNow }
            if pending.scheduled { return .none }
            pending.scheduled = true
            return .schedule
        }
        switch action {
        case .none: break
        case .flushNow: flush()
        case .schedule: loop.execute { self.flush() }
        }
    }

    private enum Action { case none, schedule, flushNow }

    /// Writes whatever waits. Called at the end of a loop's pass, and before the process exits.
    public func flush() {
        writing.withLock { _ in
            let bytes = pending.withLock { pending -> [UInt8] in
                pending.scheduled = false
                defer { pending.bytes.removeAll(keepingCapacity: true) }
                return pending.bytes
            }
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR || errno == EAGAIN {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}
