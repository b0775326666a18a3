import SwitchyardCore
import Testing

/// Token buckets per service and per user: bursts, refill, the wait a refusal names, and no token taken from one
/// bucket when another refuses.
@Suite struct RateLimiterTests {
    typealias Instant = AnyClock.Instant
    static func at(_ milliseconds: Int) -> Instant { Instant(offset: .milliseconds(milliseconds)) }

    @Test func aBurstPassesThenTheRateRefills() {
        // 60 a minute: one token a second, three at once.
        var limiter = RateLimiter<Instant>(
            rules: RateLimitRules(services: ["backend": RateLimit(requestsPerMinute: 60, burst: 3)]))
        for _ in 0..<3 { #expect(limiter.admit(service: "backend", user: nil, now: Self.at(0)).refusal == nil) }
        let refusal = limiter.admit(service: "backend", user: nil, now: Self.at(0)).refusal
        #expect(refusal?.scope == .service("backend"))
        #expect(refusal?.retryAfter == .seconds(1))
        #expect(limiter.admit(service: "backend", user: nil, now: Self.at(400)).refusal != nil)
        #expect(
            limiter.admit(service: "backend", user: nil, now: Self.at(1000)).refusal == nil, "one token after a second")
        #expect(limiter.admit(service: "backend", user: nil, now: Self.at(1000)).refusal != nil)
        // Idle for a minute: back to the burst, not beyond.
        for _ in 0..<3 { #expect(limiter.admit(service: "backend", user: nil, now: Self.at(61_000)).refusal == nil) }
        #expect(limiter.admit(service: "backend", user: nil, now: Self.at(61_000)).refusal != nil)
    }

    @Test func servicesWithoutALimitOfTheirOwnShareTheDefaultRuleNotABucket() {
        var limiter = RateLimiter<Instant>(
            rules: RateLimitRules(defaultService: RateLimit(requestsPerMinute: 60, burst: 1)))
        #expect(limiter.admit(service: "a", user: nil, now: Self.at(0)).refusal == nil)
        #expect(
            limiter.admit(service: "b", user: nil, now: Self.at(0)).refusal == nil, "each service has its own bucket")
        #expect(limiter.admit(service: "a", user: nil, now: Self.at(0)).refusal != nil)
        #expect(limiter.admit(service: nil, user: nil, now: Self.at(0)).refusal == nil, "no service, no service limit")
    }

    @Test func aUserRefusalTakesNothingFromTheService() {
        var limiter = RateLimiter<Instant>(
            rules: RateLimitRules(
                services: ["backend": RateLimit(requestsPerMinute: 60, burst: 2)],
                user: RateLimit(requestsPerMinute: 6, burst: 1)))
        #expect(limiter.admit(service: "backend", user: "ana", now: Self.at(0)).refusal == nil)
        let refusal = limiter.admit(service: "backend", user: "ana", now: Self.at(0)).refusal
        #expect(refusal?.scope == .user)
        #expect(refusal?.retryAfter == .seconds(10), "6 a minute: one token every 10 s")
        // The service bucket still has its second token: Ben gets it.
        #expect(limiter.admit(service: "backend", user: "ben", now: Self.at(0)).refusal == nil)
        #expect(limiter.admit(service: "backend", user: "cy", now: Self.at(0)).refusal?.scope == .service("backend"))
    }

    @Test func fullBucketsAreForgotten() {
        var limiter = RateLimiter<Instant>(
            rules: RateLimitRules(user: RateLimit(requestsPerMinute: 60, burst: 1)), pruneAbove: 10)
        for index in 0..<20 { _ = limiter.admit(service: nil, user: "u\(index)", now: Self.at(0)) }
        #expect(limiter.bucketCount > 10)
        _ = limiter.admit(service: nil, user: "late", now: Self.at(5_000))
        #expect(limiter.bucketCount == 1, "only the bucket just used is not full")
    }

    @Test func theQuotaIsTheTightestBucketAfterTheDecision() throws {
        // Service: 120 a minute (2 a second), 4 at once. User: 6 a minute, 2 at once.
        let service = RateLimit(requestsPerMinute: 120, burst: 4)
        let user = RateLimit(requestsPerMinute: 6, burst: 2)
        var limiter = RateLimiter<Instant>(rules: RateLimitRules(services: ["backend": service], user: user))
        let first = limiter.admit(service: "backend", user: nil, now: Self.at(0))
        #expect(first.refusal == nil)
        #expect(
            first.quotas?.requests
                == .init(scope: .service("backend"), perMinute: 120, remaining: 3, resetAfter: .seconds(0.5)))
        // With a user: their bucket (1 left of 2, 10 s to refill) is tighter than the service's (2 left of 4).
        let second = limiter.admit(service: "backend", user: "ana", now: Self.at(0))
        #expect(second.quotas?.requests == .init(scope: .user, perMinute: 6, remaining: 1, resetAfter: .seconds(10)))
        // Half a second later the service has refilled by one: 2 left after this one, 1 s to full.
        let third = limiter.admit(service: "backend", user: "ben", now: Self.at(500))
        #expect(third.quotas?.requests?.scope == .user, "Ben's bucket: 1 left, the service's: 2")
        let fourth = limiter.admit(service: "backend", user: nil, now: Self.at(500))
        #expect(
            fourth.quotas?.requests
                == .init(scope: .service("backend"), perMinute: 120, remaining: 1, resetAfter: .seconds(1.5)))
        // Ana's second request empties her bucket (and the service's): remaining 0.
        #expect(limiter.admit(service: "backend", user: "ana", now: Self.at(500)).quotas?.requests?.remaining == 0)
        let refused = limiter.admit(service: "backend", user: "ana", now: Self.at(500))
        #expect(refused.refusal?.scope == .user)
        #expect(refused.quotas?.requests?.scope == .user)
        #expect(refused.quotas?.requests?.remaining == 0)
        // Both buckets are empty; Ana's (0.05 of 2 tokens, at 0.1 a second) takes 19.5 s to fill, the service's 2 s.
        let reset = try #require(refused.quotas?.requests?.resetAfter)
        #expect(abs(reset / .milliseconds(1) - 19_500) < 1)
        let none = limiter.admit(service: nil, user: nil, now: Self.at(500))
        #expect(none.refusal == nil && none.quotas == nil, "no bucket applies")
    }

    @Test func tokensAreChargedAfterTheAnswerAndDebtRefusesUntilRefilled() {
        // 600 tokens a minute: 10 a second, a minute's worth at once; requests unlimited.
        let limit = RateLimit(requestsPerMinute: nil, tokensPerMinute: 600)
        var limiter = RateLimiter<Instant>(rules: RateLimitRules(user: limit))
        let first = limiter.admit(service: nil, user: "ana", now: Self.at(0))
        #expect(first.refusal == nil)
        #expect(first.quotas == .init(tokens: .init(scope: .user, perMinute: 600, remaining: 600, resetAfter: .zero)))
        // Admission takes no tokens; the answer's usage does.
        limiter.charge(service: nil, user: "ana", tokens: 500, now: Self.at(0))
        let second = limiter.admit(service: nil, user: "ana", now: Self.at(0))
        #expect(second.refusal == nil, "100 left")
        #expect(second.quotas?.tokens == .init(scope: .user, perMinute: 600, remaining: 100, resetAfter: .seconds(50)))
        // A long answer: 300 tokens put the bucket 200 into debt.
        limiter.charge(service: nil, user: "ana", tokens: 300, now: Self.at(0))
        let refused = limiter.admit(service: nil, user: "ana", now: Self.at(0))
        #expect(refused.refusal == .init(scope: .user, measure: .tokens, limit: limit, retryAfter: .seconds(20.1)))
        #expect(refused.quotas?.tokens == .init(scope: .user, perMinute: 600, remaining: 0, resetAfter: .seconds(80)))
        #expect(limiter.admit(service: nil, user: "ana", now: Self.at(20_000)).refusal?.measure == .tokens)
        #expect(limiter.admit(service: nil, user: "ana", now: Self.at(20_200)).refusal == nil, "out of debt")
        #expect(limiter.admit(service: nil, user: "ben", now: Self.at(0)).refusal == nil, "Ben's bucket is his own")
        // Idle for two minutes: full again, not beyond.
        #expect(limiter.admit(service: nil, user: "ana", now: Self.at(140_000)).quotas?.tokens?.remaining == 600)
    }

    @Test func aChargeReachesEveryTokenBucketOfItsRequestAndARefusalTakesNoRequest() {
        let service = RateLimit(requestsPerMinute: 60, burst: 10, tokensPerMinute: 6_000)
        var limiter = RateLimiter<Instant>(
            rules: RateLimitRules(
                services: ["backend": service], user: RateLimit(requestsPerMinute: 60, burst: 10, tokensPerMinute: 100))
        )
        #expect(limiter.admit(service: "backend", user: "ana", now: Self.at(0)).refusal == nil)
        limiter.charge(service: "backend", user: "ana", tokens: 6_000, now: Self.at(0))
        let next = limiter.admit(service: "backend", user: "ben", now: Self.at(0))
        // The service's bucket (0 left, 100 a second) refuses Ben too; Ana's is 5,900 in debt.
        #expect(
            next.refusal
                == .init(scope: .service("backend"), measure: .tokens, limit: service, retryAfter: .seconds(0.01)))
        #expect(next.quotas?.requests?.remaining == 9, "a refused request takes no request token")
        #expect(next.quotas?.tokens?.scope == .service("backend"))
        let ana = limiter.admit(service: nil, user: "ana", now: Self.at(0)).refusal
        #expect(ana?.scope == .user)
        #expect(ana.map { abs($0.retryAfter / .seconds(1) - 3_540.6) < 0.001 } == true, "5,901 tokens at 100 a minute")
        // Request limits alone are not charged.
        var requestsOnly = RateLimiter<Instant>(rules: RateLimitRules(user: RateLimit(requestsPerMinute: 60, burst: 2)))
        requestsOnly.charge(service: nil, user: "ana", tokens: 1_000_000, now: Self.at(0))
        let admitted = requestsOnly.admit(service: nil, user: "ana", now: Self.at(0))
        #expect(admitted.refusal == nil)
        #expect(admitted.quotas?.tokens == nil)
        #expect(admitted.quotas?.requests?.remaining == 1)
    }

    @Test func bucketsInDebtAreNotForgotten() {
        var limiter = RateLimiter<Instant>(
            rules: RateLimitRules(user: RateLimit(requestsPerMinute: nil, tokensPerMinute: 60)), pruneAbove: 2)
        limiter.charge(service: nil, user: "ana", tokens: 120, now: Self.at(0))
        _ = limiter.admit(service: nil, user: "u1", now: Self.at(0))
        _ = limiter.admit(service: nil, user: "u2", now: Self.at(0))
        #expect(limiter.bucketCount == 1, "the full buckets were dropped, Ana's debt kept")
        #expect(limiter.admit(service: nil, user: "ana", now: Self.at(0)).refusal?.measure == .tokens)
    }
}
