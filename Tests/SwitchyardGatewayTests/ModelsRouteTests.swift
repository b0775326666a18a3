import Foundation
import HummingbirdTesting
import SwitchyardCore
import SwitchyardServer
import Testing

@Suite struct ModelsRouteTests {
    @Test func listsRoutesAndUsableTargetsOnly() async throws {
        let routing = RoutingTable(
            routes: [.init(name: "demo", targets: [Target(provider: "mock", model: "echo-1")])],
            universalFallback: Target(provider: "gemini", model: "gemini-2.0-flash"))
        let settings = GatewayHarness.settings(
            providers: [ProviderSettings(id: "gemini", kind: .gemini, unavailableReason: "no key")],
            routing: routing)
        let token = try await GatewayHarness.token()
        try await GatewayHarness.withGateway(settings) { client, _ in
            let list = try await GatewayHarness.get(client, "/v1/models", token: token)
            let ids = (list.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["demo", "mock/echo-1"])
            #expect(list.json["object"] as? String == "list")
        }
    }

    @Test(arguments: ["/v1/models/mock/echo-1", "/v1/models/mock%2Fecho-1", "/v1/models/mock/anything"])
    func retrievesProviderModelIdsHoweverTheSlashIsSent(path: String) async throws {
        let token = try await GatewayHarness.token()
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [])) { client, _ in
            let response = try await GatewayHarness.get(client, path, token: token)
            #expect(response.status == 200)
            #expect((response.json["id"] as? String)?.hasPrefix("mock/") == true)
        }
    }

    @Test func unknownModelsAre404() async throws {
        let token = try await GatewayHarness.token()
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [])) { client, _ in
            let response = try await GatewayHarness.get(client, "/v1/models/nobody%2Fnothing", token: token)
            #expect(response.status == 404)
            #expect(response.error["code"] as? String == "model_not_found")
        }
    }
}
