import NIOCore
import NIOPosix
import SwitchyardHTTP
import Testing

/// A task that prefers an event loop's task executor runs its nonisolated async code on that loop (this test process
/// keeps Swift's own thread pool as the global executor, so without the preference the code runs on the pool's
/// threads); a task started on its behalf can take the preference over; a stream's relay gives it up.
@Suite struct EventLoopTaskExecutorTests {
    /// A nonisolated async function that really suspends.
    @concurrent static func hop() async {
        await Task.yield()
    }

    @Test func aTaskPreferringALoopRunsItsNonisolatedCodeOnThatLoop() async {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let seen = await Task(executorPreference: EventLoopTaskExecutor.of(loop)) {
            var seen: [Bool] = []
            for _ in 0..<3 {
                await Self.hop()
                seen.append(loop.inEventLoop)
            }
            return seen
        }.value
        #expect(seen == [true, true, true])
        let unpreferred = await Task {
            await Self.hop()
            return MultiThreadedEventLoopGroup.currentEventLoop == nil
        }.value
        #expect(unpreferred, "without the preference the code runs on the global executor's threads")
    }

    @Test func theSameLoopGivesTheSameExecutorAndATaskStartedOnItsBehalfInheritsIt() async {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let other = group.makeIterator().first { $0 !== loop } ?? loop
        #expect(EventLoopTaskExecutor.of(loop) === EventLoopTaskExecutor.of(loop))
        let (inherited, elsewhere) = await Task(executorPreference: EventLoopTaskExecutor.of(loop)) {
            (
                EventLoopTaskExecutor.inherited(on: loop),
                other === loop ? nil : EventLoopTaskExecutor.inherited(on: other)
            )
        }.value
        #expect(inherited === EventLoopTaskExecutor.of(loop))
        #expect(elsewhere == nil)
        #expect(await Task { EventLoopTaskExecutor.inherited(on: loop) }.value == nil)
    }

    @Test func aRelayRunsWithoutThePreferenceAndTheTaskComesBackToItsLoop() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let (inRelay, after) = try await Task(executorPreference: EventLoopTaskExecutor.of(loop)) {
            let inRelay = try await EventLoopTaskExecutor.relay {
                await Self.hop()
                return loop.inEventLoop
            }
            await Self.hop()
            return (inRelay, loop.inEventLoop)
        }.value
        #expect(!inRelay)
        #expect(after)
    }

    @Test func cancellingTheTaskCancelsItsRelay() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let started = ContinuousClock.now
        let writing = Task(executorPreference: EventLoopTaskExecutor.of(loop)) {
            try await EventLoopTaskExecutor.relay { try await Task.sleep(for: .seconds(30)) }
        }
        try await Task.sleep(for: .milliseconds(50))
        writing.cancel()
        await #expect(throws: CancellationError.self) { try await writing.value }
        #expect(ContinuousClock.now - started < .seconds(10))
    }
}
