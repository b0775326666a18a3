import SwitchyardCore
import Testing

@Suite struct TokenCacheTests {
    @Test func aTokenIsReusedUntilTwoSecondsBeforeItExpires() {
        let start = ContinuousClock.now
        var cache = TokenCache<ContinuousClock.Instant>()
        #expect(cache.validToken(now: start) == nil)
        cache.store("t1", expiresAt: start.advanced(by: .seconds(60)))
        #expect(cache.validToken(now: start.advanced(by: .seconds(57))) == "t1")
        #expect(cache.validToken(now: start.advanced(by: .seconds(58))) == nil)
        #expect(cache.validToken(now: start.advanced(by: .seconds(61))) == nil)
    }
}
