import SwitchyardCore
import Synchronization
import Testing

/// One run of the work for concurrent calls with one key; the work is cancelled only when every caller left.
@Suite struct SingleFlightTests {
    @Test func concurrentCallersShareOneRun() async throws {
        let flight = SingleFlight<String, Int>()
        let runs = Mutex(0)
        let work: @Sendable () async throws -> Int = {
            runs.withLock { $0 += 1 }
            try await Task.sleep(for: .milliseconds(100))
            return 42
        }
        async let first = flight.run("key", work)
        try await Task.sleep(for: .milliseconds(20))
        async let second = flight.run("key", work)
        let (a, b) = try await (first, second)
        #expect(a.value == 42 && b.value == 42)
        #expect([a.joined, b.joined].sorted { !$0 && $1 } == [false, true])
        #expect(runs.withLock { $0 } == 1)
        // Once done, the next call runs the work again.
        let third = try await flight.run("key", work)
        #expect(third.value == 42 && !third.joined)
        #expect(runs.withLock { $0 } == 2)
    }

    @Test func sharedWorkStopsWhenItsLastWaiterIsCancelled() async throws {
        let flight = SingleFlight<String, Int>()
        let cancelled = Mutex(false)
        let work: @Sendable () async throws -> Int = {
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                cancelled.withLock { $0 = true }
                throw error
            }
            throw CancellationError()
        }
        let first = Task { try await flight.run("key", work) }
        let second = Task { try await flight.run("key", work) }
        try await Task.sleep(for: .milliseconds(50))
        first.cancel()
        try await Task.sleep(for: .milliseconds(50))
        #expect(!cancelled.withLock { $0 }, "the other caller still waits")
        second.cancel()
        _ = await (first.result, second.result)
        #expect(cancelled.withLock { $0 })
    }
}
