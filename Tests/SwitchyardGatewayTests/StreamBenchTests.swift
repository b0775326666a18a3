import Testing

@testable import switchyard_bench

/// `scripts/bench/streams.sh` fails unless every stream was live at one moment; this is how that moment is found.
@Suite struct StreamBenchTests {
    let start = ContinuousClock.now

    func span(_ from: Int, _ to: Int) -> Range<ContinuousClock.Instant> {
        (start + .milliseconds(from))..<(start + .milliseconds(to))
    }

    @Test func overlappingStreamsCountTogether() {
        #expect(StreamClients.peakOverlap([span(0, 100), span(50, 150), span(60, 70)]) == 3)
    }

    @Test func aStreamThatEndedBeforeAnotherStartedDoesNotCount() {
        // A late admission: the third stream starts after the first two have ended.
        #expect(StreamClients.peakOverlap([span(0, 100), span(10, 90), span(120, 200)]) == 2)
    }

    @Test func spansThatOnlyTouchDoNotOverlap() {
        #expect(StreamClients.peakOverlap([span(0, 100), span(100, 200), span(200, 300)]) == 1)
    }

    @Test func noStreamsMeansNoneLive() {
        #expect(StreamClients.peakOverlap([]) == 0)
    }
}
