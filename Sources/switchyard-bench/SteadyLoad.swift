import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Chat completions at a fixed rate (open loop: a request starts every 1/rate seconds whether or not earlier ones
/// answered, up to `max-in-flight` at once) for a duration. Prints one JSON line per `report-seconds` window
/// (requests started, answered 200, errors: a request that failed or was answered with another status, or that could
/// not start because `max-in-flight` were still waiting, which is also counted apart as `refused`) and a final JSON
/// object with the totals.
struct SteadyLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate", abstract: "Send chat completions at a fixed rate and count the answers.")

    @OptionGroup var gateway: GatewayTarget

    @Option(help: "Requests per second.")
    var rps: Int = 1000

    @Option(help: "How long to run, in seconds.")
    var seconds: Int = 600

    @Option(help: "Seconds per progress line.")
    var reportSeconds: Int = 10

    @Option(help: "Requests in flight at most; a start beyond it counts as an error.")
    var maxInFlight: Int = 512

    final class Counts: @unchecked Sendable {
        private let lock = NSLock()
        private var started = 0, answered = 0, errors = 0, refused = 0, inFlight = 0

        func begin(limit: Int) -> Bool {
            lock.withLock {
                started += 1
                guard inFlight < limit else {
                    errors += 1
                    refused += 1
                    return false
                }
                inFlight += 1
                return true
            }
        }

        func end(ok: Bool) {
            lock.withLock {
                inFlight -= 1
                if ok { answered += 1 } else { errors += 1 }
            }
        }

        func snapshot() -> (started: Int, answered: Int, errors: Int, refused: Int) {
            lock.withLock { (started, answered, errors, refused) }
        }
    }

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxInFlight)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let body = ByteBuffer(
            string:
                #"{"model":"\#(gateway.model)","messages":[{"role":"user","content":"What is the capital of France?"}]}"#
        )
        let counts = Counts()
        let clock = ContinuousClock()
        let start = clock.now
        let interval = Duration.seconds(1) / rps
        let total = rps * seconds
        let endpoint = gateway.completionsURL
        let token = gateway.token
        let reporter = Task {
            var last = counts.snapshot()
            var window = 0
            while !Task.isCancelled {
                try await Task.sleep(until: start.advanced(by: .seconds(reportSeconds * (window + 1))), clock: clock)
                window += 1
                let now = counts.snapshot()
                let line =
                    #"{"t":\#(window * reportSeconds),"started":\#(now.started - last.started),"ok":\#(now.answered - last.answered),"errors":\#(now.errors - last.errors),"refused":\#(now.refused - last.refused)}"#
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
                last = now
            }
        }
        await withDiscardingTaskGroup { group in
            for index in 0..<total {
                try? await Task.sleep(until: start.advanced(by: interval * index), clock: clock)
                guard counts.begin(limit: maxInFlight) else { continue }
                group.addTask {
                    var request = HTTPClientRequest(url: endpoint)
                    request.method = .POST
                    request.headers.add(name: "authorization", value: "Bearer \(token)")
                    request.headers.add(name: "content-type", value: "application/json")
                    request.body = .bytes(body)
                    var ok = false
                    if let response = try? await client.execute(request, timeout: .seconds(30)) {
                        ok = response.status == .ok
                        _ = try? await response.body.collect(upTo: 1 << 20)
                    }
                    counts.end(ok: ok)
                }
            }
        }
        reporter.cancel()
        try await client.shutdown()
        let final = counts.snapshot()
        print(
            #"{"total":true,"started":\#(final.started),"ok":\#(final.answered),"errors":\#(final.errors),"#
                + #""refused":\#(final.refused)}"#)
    }
}
