import ArgumentParser
import Foundation
import NIOCore

/// `clients` streaming chat completions at once through a gateway; each one records when every SSE event arrives.
/// Prints one JSON object: streams completed and failed, events, and the gaps between consecutive events
/// (p50/p99/max over all streams, in milliseconds), and the wall time.
struct StreamClients: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "streams", abstract: "Open many streaming chat completions at once and measure chunk gaps.")

    @OptionGroup var gateway: GatewayTarget

    @Option(help: "Concurrent streaming clients.")
    var clients: Int = 1000

    @Option(help: "Seconds to spread the clients' starts over.")
    var rampSeconds: Double = 1

    struct Outcome: Sendable {
        var events = 0
        /// Milliseconds from sending the request to the first event.
        var first: Double?
        /// When the first and the last event arrived: the span in which this stream was live.
        var live: Range<ContinuousClock.Instant>?
        var gaps: [Double] = []
        /// The gaps that ended once every client had been started and had a second to get its stream going.
        var steadyGaps: [Double] = []
        var failure: String?
    }

    func run() async throws {
        guard let url = URL(string: gateway.completionsURL), url.host != nil else {
            throw ValidationError("--url must be an http URL such as http://127.0.0.1:18300")
        }
        let body =
            #"{"model":"\#(gateway.model)","stream":true,"messages":[{"role":"user","content":"stream please"}]}"#
        let started = ContinuousClock.now
        let clientCount = clients
        let ramp = rampSeconds
        let steadyFrom = started + .seconds(ramp + 1)
        let outcomes = await withTaskGroup(of: Outcome.self) { group in
            for index in 0..<clientCount {
                group.addTask {
                    try? await Task.sleep(for: .seconds(ramp * Double(index) / Double(max(clientCount, 1))))
                    return await StreamConnection.run(
                        url: url, token: gateway.token, body: body, steadyFrom: steadyFrom)
                }
            }
            var all: [Outcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        let wall = started.duration(to: .now)
        let gaps = outcomes.flatMap(\.gaps).sorted()
        let steadyGaps = outcomes.flatMap(\.steadyGaps).sorted()
        let firsts = outcomes.compactMap(\.first).sorted()
        func percentile(_ p: Double, of values: [Double] = gaps) -> Double {
            guard !values.isEmpty else { return 0 }
            return values[min(values.count - 1, Int((p * Double(values.count)).rounded(.up)) - 1)]
        }
        let failures = outcomes.compactMap(\.failure)
        let peakLive = Self.peakOverlap(outcomes.compactMap(\.live))
        let summary: [String: Any] = [
            "clients": clientCount, "completed": outcomes.count - failures.count, "failed": failures.count,
            "failures": Array(Set(failures)).sorted().prefix(5).map { $0 },
            "events": outcomes.reduce(0) { $0 + $1.events },
            "gap_ms_p50": percentile(0.5), "gap_ms_p99": percentile(0.99), "gap_ms_max": gaps.last ?? 0,
            "steady_gap_ms_p99": percentile(0.99, of: steadyGaps), "steady_gaps": steadyGaps.count,
            "first_ms_p50": percentile(0.5, of: firsts), "first_ms_p99": percentile(0.99, of: firsts),
            "first_ms_max": firsts.last ?? 0, "peak_live_streams": peakLive,
            "wall_seconds": Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18,
        ]
        let data = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// The most streams live at one instant: a thousand clients are only a thousand concurrent streams if the
    /// gateway admits them all before the first ones end.
    static func peakOverlap(_ spans: [Range<ContinuousClock.Instant>]) -> Int {
        // Ends sort before starts at the same instant, so touching spans do not count as overlapping.
        var edges: [(at: ContinuousClock.Instant, step: Int)] = []
        for span in spans {
            edges.append((span.lowerBound, 1))
            edges.append((span.upperBound, -1))
        }
        edges.sort { left, right in left.at == right.at ? left.step < right.step : left.at < right.at }
        var live = 0
        var peak = 0
        for edge in edges {
            live += edge.step
            peak = max(peak, live)
        }
        return peak
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
