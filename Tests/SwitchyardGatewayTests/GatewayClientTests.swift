import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwitchyardCore
import SwitchyardGateway
import SwitchyardServer
import Testing

/// The clients the backend uses to reach the gateway.
@Suite struct GatewayClientTests {
    let request = GenerationRequest(
        provider: "mock", model: "echo", systemInstruction: "be kind",
        messages: [ChatMessage(role: .user, content: "how are you")])

    @Test func overHTTPTheTokenIsMintedOnceAndReused() async throws {
        let built = try await buildApplication(
            settings: GatewayHarness.settings(providers: []), httpClient: .shared, logger: Logger(label: "t"))
        try await built.application.test(.live) { client in
            let port = try #require(client.port)
            let gateway = HTTPGatewayClient(
                baseURL: "http://127.0.0.1:\(port)", client: .shared,
                minter: try await ServiceTokenMinter(secret: Secret(GatewayHarness.secret)), serviceName: "backend",
                tokenLifetime: 60)
            for _ in 0..<3 {
                let response = try await gateway.generate(request)
                #expect(response.text == "Mock reply to: how are you")
                #expect(response.provider == "mock")
                #expect(response.attempts.map(\.outcome) == [.success])
            }
            #expect(await gateway.mintedTokens == 1)
        }
    }

    @Test func overHTTPFailuresKeepTheirStatusAndCode() async throws {
        let built = try await buildApplication(
            settings: GatewayHarness.settings(providers: []), httpClient: .shared, logger: Logger(label: "t"))
        try await built.application.test(.live) { client in
            let port = try #require(client.port)
            let gateway = HTTPGatewayClient(
                baseURL: "http://127.0.0.1:\(port)", client: .shared,
                minter: try await ServiceTokenMinter(secret: Secret(GatewayHarness.secret)))
            var bad = request
            bad.sampling.temperature = 9
            let error = await #expect(throws: GatewayCallError.self) { try await gateway.generate(bad) }
            #expect(error?.status == 400)
        }
    }

    @Test func inProcessFailuresCarryTheAttemptLog() async throws {
        let service = GatewayService(
            registry: ProviderRegistry(providers: [], unavailable: ["gemini": "no key"]),
            routing: RoutingTable(universalFallback: Target(provider: "gemini", model: "gemini-2.0-flash")))
        let client = InProcessGatewayClient(service: service)
        var request = self.request
        request.provider = "gemini"
        request.model = "gemini-2.5-pro"
        let error = await #expect(throws: GatewayCallError.self) { try await client.generate(request) }
        #expect(error?.status == 503)
        #expect(error?.code == "no_provider_available")
        #expect(error?.attempts.map(\.outcome) == [.skippedUnavailable, .skippedUnavailable])
    }
}
