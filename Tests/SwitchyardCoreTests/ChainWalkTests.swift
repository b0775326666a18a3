import SwitchyardCore
import Testing

@Suite struct ChainWalkTests {
    let primary = Target(provider: "a", model: "m", retry: 2)
    let secondary = Target(provider: "b", model: "m")
    let backoff = Backoff(base: .milliseconds(100), multiplier: 2, cap: .seconds(1), jitter: 0)
    let plenty = Duration.seconds(60)

    func walk() -> ChainWalk { ChainWalk(chain: [primary, secondary], backoff: backoff) }

    @Test func retryableFailuresRetryTheSameTargetWithBackoff() {
        var walk = walk()
        #expect(walk.next(remaining: plenty) { _ in nil } == .attempt(primary))
        walk.recordFailure(ProviderFailure(.upstream5xx), target: primary, latency: .zero, jitterUnit: 0)
        #expect(walk.next(remaining: plenty) { _ in nil } == .wait(.milliseconds(100)))
        #expect(walk.next(remaining: plenty) { _ in nil } == .attempt(primary))
        walk.recordFailure(ProviderFailure(.timeout), target: primary, latency: .zero, jitterUnit: 0)
        #expect(walk.next(remaining: plenty) { _ in nil } == .wait(.milliseconds(200)))
        #expect(walk.next(remaining: plenty) { _ in nil } == .attempt(primary))
        walk.recordFailure(ProviderFailure(.timeout), target: primary, latency: .zero, jitterUnit: 0)
        #expect(walk.next(remaining: plenty) { _ in nil } == .attempt(secondary))
        walk.recordSuccess(secondary, latency: .zero, usage: nil)
        #expect(walk.next(remaining: plenty) { _ in nil } == .done)
        #expect(walk.attempts.map(\.outcome.name) == ["upstream_5xx", "timeout", "timeout", "success"])
    }

    @Test func retryAfterIsHonouredUnlessItOutlastsTheDeadline() {
        var walk = walk()
        _ = walk.next(remaining: plenty) { _ in nil }
        walk.recordFailure(
            ProviderFailure(.rateLimited, retryAfter: .seconds(2)), target: primary, latency: .zero, jitterUnit: 0)
        #expect(walk.next(remaining: plenty) { _ in nil } == .wait(.seconds(2)))
        _ = walk.next(remaining: plenty) { _ in nil }
        walk.recordFailure(
            ProviderFailure(.rateLimited, retryAfter: .seconds(5)), target: primary, latency: .zero, jitterUnit: 0)
        #expect(walk.next(remaining: .seconds(3)) { _ in nil } == .attempt(secondary))
    }

    @Test func nonRetryableFailuresMoveOnAtOnce() {
        var walk = walk()
        _ = walk.next(remaining: plenty) { _ in nil }
        #expect(
            walk.recordFailure(ProviderFailure(.contextTooLong), target: primary, latency: .zero, jitterUnit: 0)
                == .nextTarget)
        #expect(walk.next(remaining: plenty) { _ in nil } == .attempt(secondary))
    }

    @Test func anInvalidRequestStopsTheWalk() {
        var walk = walk()
        _ = walk.next(remaining: plenty) { _ in nil }
        walk.recordFailure(ProviderFailure(.invalidRequest), target: primary, latency: .zero, jitterUnit: 0)
        #expect(walk.next(remaining: plenty) { _ in nil } == .done)
        #expect(walk.fatalFailure?.kind == .invalidRequest)
        #expect(walk.sentAttempts == 1)
    }

    @Test func unavailableTargetsAreSkippedAndLogged() {
        var walk = walk()
        #expect(walk.next(remaining: plenty) { $0.provider == "a" ? .unavailable : nil } == .attempt(secondary))
        #expect(walk.attempts.map(\.outcome.name) == ["skipped_unavailable"])
    }

    @Test func whenEveryTargetIsCoolingTheFirstIsProbedOnce() {
        var walk = walk()
        #expect(walk.next(remaining: plenty) { _ in .coolingDown } == .attempt(primary))
        walk.recordFailure(ProviderFailure(.upstream5xx), target: primary, latency: .zero, jitterUnit: 0)
        #expect(walk.next(remaining: plenty) { _ in .coolingDown } == .done)
        #expect(walk.attempts.map(\.outcome.name) == ["skipped_cooldown", "skipped_cooldown", "upstream_5xx"])
    }

    @Test func nothingIsTriedAfterTheDeadline() {
        var walk = walk()
        #expect(walk.next(remaining: .zero) { _ in nil } == .done)
        #expect(walk.deadlineExceeded)
    }
}
