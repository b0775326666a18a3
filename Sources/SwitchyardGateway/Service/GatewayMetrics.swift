import SwitchyardCore
import Synchronization

/// Counters for `/metrics`, in the Prometheus text format. Label values are provider ids, outcome names and
/// routes: a small, closed set, never request data.
public final class GatewayMetrics: Sendable {
    private struct State {
        var requests: [String: Int] = [:]
        var attempts: [String: Int] = [:]
        var tokens: [String: Int] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts a finished HTTP request.
    public func recordRequest(route: String, status: Int) {
        state.withLock { $0.requests["route=\"\(route)\",status=\"\(status)\"", default: 0] += 1 }
    }

    /// Counts one upstream attempt.
    public func recordAttempt(provider: String, outcome: String) {
        state.withLock { $0.attempts["provider=\"\(provider)\",outcome=\"\(outcome)\"", default: 0] += 1 }
    }

    /// Adds the tokens of a served (or cut) answer.
    public func recordTokens(provider: String, usage: Usage) {
        state.withLock {
            $0.tokens["provider=\"\(provider)\",direction=\"prompt\"", default: 0] += usage.promptTokens
            $0.tokens["provider=\"\(provider)\",direction=\"completion\"", default: 0] += usage.completionTokens
        }
    }

    /// - Returns: The exposition text.
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        func family(_ name: String, _ help: String, _ values: [String: Int]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) counter")
            for (labels, value) in values.sorted(by: { $0.key < $1.key }) {
                lines.append("\(name){\(labels)} \(value)")
            }
        }
        family("switchyard_http_requests_total", "HTTP requests answered, by route and status.", snapshot.requests)
        family("switchyard_upstream_attempts_total", "Upstream attempts, by provider and outcome.", snapshot.attempts)
        family("switchyard_tokens_total", "Tokens served, by provider and direction.", snapshot.tokens)
        return lines.joined(separator: "\n") + "\n"
    }
}
