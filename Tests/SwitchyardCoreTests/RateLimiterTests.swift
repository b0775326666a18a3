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
        for _ in 0..<3 { #expect(limiter.admit(service: "backend", user: nil, now: Self.at(0)) == nil) }
        let refusal = limiter.admit(service: "backend", user: nil, now: Self.at(0))
        #expect(refusal?.scope == .service("backend"))
        #expect(refusal?.retryAfter == .seconds(1))
        #expect(limiter.admit(service: "backend", user: nil, now: Self.at(400)) != nil)
        #expect(limiter.admit(service: "backend", user: nil, now: Self.at(1000)) == nil, "one token after a second")
        #expect(limiter.admit(service: "backend", user: nil, now: Self.at(1000)) != nil)
        // Idle for a minute: back to the burst, not beyond.
        for _ in 0..<3 { #expect(limiter.admit(service: "backend", user: nil, now: Self.at(61_000)) == nil) }
        #expect(limiter.admit(service: "backend", user: nil, now: Self.at(61_000)) != nil)
    }

    @Test func servicesWithoutALimitOfTheirOwnShareTheDefaultRuleNotABucket() {
        var limiter = RateLimiter<Instant>(
            rules: RateLimitRules(defaultService: RateLimit(requestsPerMinute: 60, burst: 1)))
        #expect(limiter.admit(service: "a", user: nil, now: Self.at(0)) == nil)
        #expect(limiter.admit(service: "b", user: nil, now: Self.at(0)) == nil, "each service has its own bucket")
        #expect(limiter.admit(service: "a", user: nil, now: Self.at(0)) != nil)
        #expect(limiter.admit(service: nil, user: nil, now: Self.at(0)) == nil, "no service, no service limit")
    }

    @Test func aUserRefusalTakesNothingFromTheService() {
        var limiter = RateLimiter<Instant>(
            rules: RateLimitRules(
                services: ["backend": RateLimit(requestsPerMinute: 60, burst: 2)],
                user: RateLimit(requestsPerMinute: 6, burst: 1)))
        #expect(limiter.admit(service: "backend", user: "ana", now: Self.at(0)) == nil)
        let refusal = limiter.admit(service: "backend", user: "ana", now: Self.at(0))
        #expect(refusal?.scope == .user)
        #expect(refusal?.retryAfter == .seconds(10), "6 a minute: one token every 10 s")
        // The service bucket still has its second token: Ben gets it.
        #expect(limiter.admit(service: "backend", user: "ben", now: Self.at(0)) == nil)
        #expect(limiter.admit(service: "backend", user: "cy", now: Self.at(0))?.scope == .service("backend"))
    }

    @Test func fullBucketsAreForgotten() {
        var limiter = RateLimiter<Instant>(
            rules: RateLimitRules(user: RateLimit(requestsPerMinute: 60, burst: 1)), pruneAbove: 10)
        for index in 0..<20 { _ = limiter.admit(service: nil, user: "u\(index)", now: Self.at(0)) }
        #expect(limiter.bucketCount > 10)
        _ = limiter.admit(service: nil, user: "late", now: Self.at(5_000))
        #expect(limiter.bucketCount == 1, "only the bucket just used is not full")
    }
}
