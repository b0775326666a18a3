import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwitchyardCore
import SwitchyardServer
import Testing

@testable import SwitchyardGateway

/// The OpenAPI document and the router must describe the same routes.
@Suite struct OpenAPIDocumentTests {
    func documentedRoutes() throws -> Set<String> {
        let data = try #require(OpenAPIController<AppRequestContext>.document)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var routes = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys { routes.insert("\(method.uppercased()) \(path)") }
        }
        return routes
    }

    /// The document also lists the backend's routes; their agreement is checked with the whole application in
    /// `SwitchyardBackendTests.OpenAPIAgreementTests`.
    @Test func everyGatewayRouteIsDocumented() async throws {
        let settings = GatewayHarness.settings(providers: [])
        let service = GatewayService(registry: ProviderRegistry(providers: []), routing: settings.routing)
        let verifier = try await ServiceTokenVerifier(hmacSecret: GatewayHarness.secret)
        let router = Router(context: AppRequestContext.self)
        let registered = GatewayRoutes<AppRequestContext>(service: service, verifier: verifier).register(on: router)
        #expect(Set(registered).isSubset(of: try documentedRoutes()))
        #expect(registered.count == Set(registered).count)
    }

    @Test func everyDocumentedRouteAnswers() async throws {
        let routes = try documentedRoutes()
        let token = try await GatewayHarness.token()
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [])) { client, _ in
            for route in routes
            where !route.contains("/admin/") && !route.contains("/v1/bots") && !route.contains("/v1/sessions")
                && !route.contains("/v1/me") && !route.contains("/v1/wallet") && !route.contains("/v1/profiles")
            {
                let parts = route.split(separator: " ")
                let path = String(parts[1]).replacingOccurrences(of: "{model}", with: "mock/echo")
                let response = try await client.execute(
                    uri: path, method: parts[0] == "GET" ? .get : .post,
                    headers: GatewayHarness.headers(token: token),
                    body: ByteBuffer(
                        string: #"{"provider":"mock","model":"mock/echo","messages":[{"role":"user","content":"x"}]}"#))
                #expect(response.status.code < 300 || response.status == .serviceUnavailable, "\(route)")
            }
        }
    }
}
