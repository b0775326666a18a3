import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `GET /health` (the process is alive), `GET /ready` (it can serve: at least one provider is usable, and every
/// check of `readiness` passes, such as the backend's database) and `GET /metrics` (Prometheus text). They need no
/// credentials, so `/ready` says ready or not and nothing else: which providers are switched off, and why, is logged
/// at startup, and a database outage is logged by the store.
struct StatusController<Context: RequestContext>: Sendable {
    let service: GatewayService
    let readiness: Readiness

    struct Health: Encodable {
        var status: String
    }

    func register(on router: RouteRegistrar<Router<Context>>) {
        router.get("/health") { _, _ in
            try JSONCoding.response(Health(status: "ok"))
        }
        router.get("/ready") { _, _ in
            var ready = !service.registry.availableIDs.isEmpty
            if ready { ready = await readiness.isReady() }
            return try JSONCoding.response(
                Health(status: ready ? "ready" : "not_ready"), status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            service.metrics.service.response()
        }
    }
}
