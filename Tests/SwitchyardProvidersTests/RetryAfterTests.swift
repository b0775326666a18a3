import Foundation
import SwitchyardProviders
import Testing

@Suite struct RetryAfterTests {
    @Test func secondsMillisecondsAndDates() {
        #expect(RetryAfter.parse { $0 == "retry-after" ? "7" : nil } == .seconds(7))
        #expect(
            RetryAfter.parse { $0 == "retry-after-ms" ? "250" : ($0 == "retry-after" ? "9" : nil) }
                == .milliseconds(250))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let later = "Tue, 14 Nov 2023 22:13:40 GMT"
        #expect(RetryAfter.parse(header: { $0 == "retry-after" ? later : nil }, now: now) == .seconds(20))
        #expect(RetryAfter.parse { _ in "soon" } == nil)
        #expect(RetryAfter.parse { _ in nil } == nil)
    }

    @Test func protobufDurations() {
        #expect(RetryAfter.parseProtobufDuration("37s") == .seconds(37))
        #expect(RetryAfter.parseProtobufDuration("1.5s") == .milliseconds(1500))
        #expect(RetryAfter.parseProtobufDuration("3m") == nil)
    }
}
