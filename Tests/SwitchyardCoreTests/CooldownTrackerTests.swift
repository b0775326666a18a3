import SwitchyardCore
import Testing

@Suite struct CooldownTrackerTests {
    let key = TargetKey(provider: "openai", model: "gpt-4o-mini")
    let start = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant {
        start.advanced(by: .milliseconds(Int64(seconds * 1000)))
    }

    func tracker() -> CooldownTracker<ContinuousClock.Instant> {
        CooldownTracker(settings: .init(window: .seconds(60), cooldown: .seconds(30), minimumFailures: 3))
    }

    @Test func aLoneFailureNeverCoolsDown() {
        var tracker = tracker()
        #expect(tracker.recordFailure(key, kind: .upstream5xx, now: at(0)) == .unchanged)
        #expect(!tracker.isCoolingDown(key, now: at(1)))
    }

    @Test func repeatedFailuresCoolDownForTheConfiguredTime() {
        var tracker = tracker()
        tracker.recordFailure(key, kind: .timeout, now: at(0))
        tracker.recordFailure(key, kind: .timeout, now: at(1))
        let transition = tracker.recordFailure(key, kind: .rateLimited, now: at(2))
        #expect(transition == .cooledDown(until: at(32)))
        #expect(tracker.isCoolingDown(key, now: at(31.9)))
        #expect(!tracker.isCoolingDown(key, now: at(32)))
    }

    @Test func aMostlyHealthyTargetStaysIn() {
        var tracker = tracker()
        for second in 0..<10 { tracker.recordSuccess(key, now: at(Double(second))) }
        for second in 10..<13 {
            #expect(tracker.recordFailure(key, kind: .upstream5xx, now: at(Double(second))) == .unchanged)
        }
        #expect(!tracker.isCoolingDown(key, now: at(13)))
    }

    @Test func failuresOutsideTheWindowAreForgotten() {
        var tracker = tracker()
        tracker.recordFailure(key, kind: .timeout, now: at(0))
        tracker.recordFailure(key, kind: .timeout, now: at(1))
        #expect(tracker.recordFailure(key, kind: .timeout, now: at(90)) == .unchanged)
    }

    @Test func brokenTargetsCoolDownAtOnce() {
        var tracker = tracker()
        #expect(tracker.recordFailure(key, kind: .auth, now: at(0)) == .cooledDown(until: at(30)))
        var other = self.tracker()
        #expect(other.recordFailure(key, kind: .notFound, now: at(0)) == .cooledDown(until: at(30)))
    }

    @Test(arguments: [ProviderFailure.Kind.invalidRequest, .contextTooLong, .contentFiltered])
    func failuresThatAreNotTheTargetsFaultDoNotCount(kind: ProviderFailure.Kind) {
        var tracker = tracker()
        for second in 0..<10 { tracker.recordFailure(key, kind: kind, now: at(Double(second))) }
        #expect(!tracker.isCoolingDown(key, now: at(10)))
    }

    @Test func aSuccessEndsTheCooldown() {
        var tracker = tracker()
        tracker.recordFailure(key, kind: .auth, now: at(0))
        #expect(tracker.recordSuccess(key, now: at(1)) == .recovered)
        #expect(!tracker.isCoolingDown(key, now: at(2)))
    }

    @Test func targetsAreTrackedSeparately() {
        var tracker = tracker()
        tracker.recordFailure(key, kind: .auth, now: at(0))
        #expect(!tracker.isCoolingDown(TargetKey(provider: "openai", model: "gpt-4o"), now: at(1)))
        #expect(
            !tracker.isCoolingDown(TargetKey(provider: "openai", model: "gpt-4o-mini", regionName: "x"), now: at(1)))
    }
}
