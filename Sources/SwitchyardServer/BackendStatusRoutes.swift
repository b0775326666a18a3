import Hummingbird
import SwitchyardHTTP

/// `/health`, `/ready` and `/metrics` when the backend runs without the gateway (which serves them otherwise).
/// `/ready` answers 503 while a check of `readiness` fails: the database, and the gateway's `/health`.
enum BackendStatusRoutes {
    struct Status: Encodable, ResponseEncodable {
        var status: String
    }

    static func register(on router: Router<AppRequestContext>, readiness: Readiness, metrics: ServiceMetrics) {
        router.get("/health") { _, _ in Status(status: "ok") }
        router.get("/ready") { _, _ in
            let ready = await readiness.isReady()
            return try JSONCoding.response(
                Status(status: ready ? "ready" : "not_ready"), status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in metrics.response() }
    }
}
