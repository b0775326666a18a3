import SwitchyardCore
import Testing

@Suite struct BackoffTests {
    let backoff = Backoff(base: .milliseconds(100), multiplier: 2, cap: .milliseconds(700), jitter: 0.2)

    @Test(arguments: [(1, 100), (2, 200), (3, 400), (4, 700), (9, 700)])
    func growsExponentiallyUpToTheCap(retry: Int, expectedMilliseconds: Int) {
        let delay = backoff.delay(forRetry: retry, retryAfter: nil, unit: 0)
        #expect(delay == .milliseconds(expectedMilliseconds))
    }

    @Test func jitterStaysWithinItsSpread() throws {
        let low = try #require(backoff.delay(forRetry: 2, retryAfter: nil, unit: -1))
        let high = try #require(backoff.delay(forRetry: 2, retryAfter: nil, unit: 1))
        #expect(abs(low.seconds - 0.16) < 1e-9)
        #expect(abs(high.seconds - 0.24) < 1e-9)
    }

    @Test func retryAfterWinsOverTheFormula() {
        #expect(backoff.delay(forRetry: 1, retryAfter: .seconds(3), unit: 1) == .seconds(3))
    }

    @Test func retryAfterLongerThanTheLimitMeansDoNotWait() {
        let strict = Backoff(maxRetryAfter: .seconds(10))
        #expect(strict.delay(forRetry: 1, retryAfter: .seconds(11), unit: 0) == nil)
        #expect(strict.delay(forRetry: 1, retryAfter: .seconds(10), unit: 0) == .seconds(10))
    }
}
