import Foundation
import HTTPTypes
import SwitchyardCore
import SwitchyardGateway
import Testing

/// The OpenAPI document served at `/openapi.json` lists exactly the routes the whole application registers.
@Suite struct OpenAPIAgreementTests {
    @Test func theServedDocumentMatchesTheRouter() async throws {
        try await BackendHarness.run { app in
            let token = try await ServiceTokenMinter(secret: Secret(BackendHarness.gatewaySecret)).mint(
                service: "t", ttl: 60
            ).0
            let served = try await app.send(.get, "/openapi.json", bearer: token)
            #expect(served.status == 200)
            let paths = try #require(served.json["paths"] as? [String: [String: Any]])
            var documented = Set<String>()
            for (path, operations) in paths {
                for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            #expect(
                documented == Set(app.routes),
                "documented but not routed: \(documented.subtracting(app.routes)); routed but not documented: \(Set(app.routes).subtracting(documented))"
            )
        }
    }
}
