import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// `GET /health` (the process is alive), `GET /ready` (it can serve: at least one provider is usable) and
/// `GET /metrics` (Prometheus text).
struct StatusController<Context: RequestContext>: Sendable {
    let service: GatewayService

    struct Health: Encodable {
        var status: String
    }

    struct Readiness: Encodable {
        var status: String
        var providers: [String]
        var unavailable: [String: String]
    }

    func register(on router: RouteRegistrar<Router<Context>>) {
        router.get("/health") { _, _ in
            try JSONCoding.response(Health(status: "ok"))
        }
        router.get("/ready") { _, _ in
            let providers = service.registry.availableIDs
            let ready = !providers.isEmpty
            return try JSONCoding.response(
                Readiness(
                    status: ready ? "ready" : "no_provider", providers: providers,
                    unavailable: service.registry.unavailable),
                status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: service.metrics.render())))
        }
    }
}
