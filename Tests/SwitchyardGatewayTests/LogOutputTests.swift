import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import SwitchyardServer

/// Log lines written on an event loop are gathered into one `write` at the end of the loop's pass; lines written
/// elsewhere go out at once, after any gathered before them.
@Suite struct LogOutputTests {
    /// A pipe whose read end does not block.
    final class Pipe: Sendable {
        let read: Int32
        let write: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            read = ends[0]
            write = ends[1]
            _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
            // Room for more than the gathering threshold (F_SETPIPE_SZ).
            _ = fcntl(write, 1031, 1 << 20)
        }

        deinit {
            close(read)
            close(write)
        }

        /// What one `read` returns now ("" when nothing waits).
        func readOnce() -> String {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = Foundation.read(read, &buffer, buffer.count)
            return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
        }
    }

    @Test func linesOfOneLoopPassLeaveTogetherAfterIt() async throws {
        let pipe = try Pipe()
        let output = LogOutput(descriptor: pipe.write)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let duringPass = try await loop.submit { () -> String in
            output.write(Array("one\n".utf8))
            output.write(Array("two\n".utf8))
            return pipe.readOnce()
        }.get()
        #expect(duringPass == "")
        // A task queued after the pass's flush runs once the flush has.
        try await loop.submit {}.get()
        #expect(pipe.readOnce() == "one\ntwo\n")
    }

    @Test func aLineOffTheLoopsGoesOutAtOnceAfterThoseWaiting() async throws {
        let pipe = try Pipe()
        let output = LogOutput(descriptor: pipe.write)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        // Block the loop so its flush cannot run before the line written off the loops.
        let gate = DispatchSemaphore(value: 0)
        let queued = loop.submit {
            output.write(Array("first\n".utf8))
            gate.wait()
        }
        try await Task.sleep(for: .milliseconds(50))
        let thread = Thread {
            output.write(Array("second\n".utf8))
            gate.signal()
        }
        thread.start()
        try await queued.get()
        try await loop.submit {}.get()
        #expect(pipe.readOnce() == "first\nsecond\n")
    }

    @Test func manyLinesInOnePassAreWrittenBeforeTheThreshold() async throws {
        let pipe = try Pipe()
        let output = LogOutput(descriptor: pipe.write)
        let line = Array(String(repeating: "x", count: 1023).utf8) + [0x0A]
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let duringPass = try await loop.submit { () -> Int in
            for _ in 0..<(LogOutput.flushThreshold / line.count) { output.write(line) }
            var total = 0
            while case let text = pipe.readOnce(), !text.isEmpty { total += text.utf8.count }
            return total
        }.get()
        #expect(duringPass == LogOutput.flushThreshold)
    }
}
