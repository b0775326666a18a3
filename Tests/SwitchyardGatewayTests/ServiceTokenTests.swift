import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import Logging
import SwitchyardCore
import SwitchyardServer
import Testing

@testable import SwitchyardGateway

/// Service tokens, end to end through HTTP.
@Suite struct ServiceTokenTests {
    struct Claims: JWTPayload {
        var service: String?
        var exp: ExpirationClaim?
        var nbf: NotBeforeClaim?
        var iat: IssuedAtClaim?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    static func sign(
        _ claims: Claims, secret: String = GatewayHarness.secret, digest: DigestAlgorithm = .sha256
    )
        async throws -> String
    {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: digest)
        return try await keys.sign(claims)
    }

    static let hour = Date().addingTimeInterval(3600)

    func status(for token: String?, path: String = "/v1/models") async throws -> TestResponse {
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [])) { client, _ in
            try await GatewayHarness.get(client, path, token: token)
        }
    }

    @Test func aValidTokenIsAcceptedWithEitherScheme() async throws {
        let token = try await GatewayHarness.token()
        #expect(try await status(for: token).status == 200)
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [])) { client, _ in
            let response = try await client.execute(
                uri: "/v1/models", method: .get, headers: [.authorization: "jwt \(token)"])
            #expect(response.status == .ok)
        }
    }

    @Test(
        arguments: [
            ("Bearer abc.def.ghi", "abc.def.ghi"), ("bearer abc", "abc"), ("BEARER abc", "abc"), ("jwt abc", "abc"),
            ("JWT abc", "abc"), ("  Bearer   abc  ", "abc"), ("Bearer abc\t", "abc"), ("Bearer", nil), ("Bearer ", nil),
            ("Bearer    ", nil), ("Basic abc", nil), ("Bearerx abc", nil), ("Beare abc", nil), ("bearer\tabc", nil),
            ("", nil), ("abc", nil), ("Bëarer abc", nil), ("jwt a b", "a b"),
        ] as [(String, String?)])
    func theAuthorizationHeaderIsReadAsItsSchemeAndToken(header: String, token: String?) {
        #expect(ServiceAuthMiddleware<AppRequestContext>.token(from: header) == token)
    }

    @Test func anExpiredTokenIsRefused() async throws {
        let token = try await Self.sign(Claims(service: "s", exp: .init(value: Date().addingTimeInterval(-60))))
        let response = try await status(for: token)
        #expect(response.status == 401)
        #expect((response.error["message"] as? String)?.contains("expired") == true)
        #expect(response.headers[.wwwAuthenticate] == "Bearer")
    }

    @Test func aTokenWithinTheLeewayIsAccepted() async throws {
        let token = try await Self.sign(Claims(service: "s", exp: .init(value: Date().addingTimeInterval(-2))))
        #expect(try await status(for: token).status == 200)
    }

    @Test func unsignedTokensAreRefused() async throws {
        func part(_ json: String) -> String {
            Data(json.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        }
        let token = part(#"{"alg":"none","typ":"JWT"}"#) + "." + part(#"{"service":"s","exp":9999999999}"#) + "."
        let response = try await status(for: token)
        #expect(response.status == 401)
        #expect((response.error["message"] as? String)?.contains("alg: none") == true)
    }

    @Test func aWrongSecretIsRefused() async throws {
        let token = try await Self.sign(
            Claims(service: "s", exp: .init(value: Self.hour)),
            secret: "another-secret-that-is-long-enough-000000000000000000000000000000")
        #expect(try await status(for: token).status == 401)
    }

    @Test func aTamperedTokenIsRefused() async throws {
        let token = try await GatewayHarness.token(service: "reader")
        var parts = token.split(separator: ".").map(String.init)
        let forged = Data(#"{"service":"admin","exp":9999999999}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "")
        parts[1] = forged
        #expect(try await status(for: parts.joined(separator: ".")).status == 401)
    }

    @Test func anotherAlgorithmIsRefusedEvenWithTheRightSecret() async throws {
        let token = try await Self.sign(Claims(service: "s", exp: .init(value: Self.hour)), digest: .sha384)
        let response = try await status(for: token)
        #expect(response.status == 401)
        #expect((response.error["message"] as? String)?.contains("HS384") == true)
    }

    @Test func missingClaimsAreNamed() async throws {
        let noService = try await Self.sign(Claims(exp: .init(value: Self.hour)))
        let noExpiry = try await Self.sign(Claims(service: "s"))
        #expect((try await status(for: noService).error["message"] as? String)?.contains("`service`") == true)
        #expect((try await status(for: noExpiry).error["message"] as? String)?.contains("`exp`") == true)
    }

    @Test func notBeforeIsHonoured() async throws {
        let token = try await Self.sign(
            Claims(service: "s", exp: .init(value: Self.hour), nbf: .init(value: Date().addingTimeInterval(600))))
        #expect(try await status(for: token).status == 401)
    }

    /// A leaked token is useful for an hour at most: one whose `exp` lies further ahead, or whose `exp − iat` is
    /// longer, is refused with the reason.
    @Test func aTokenLivingLongerThanTheMaximumIsRefused() async throws {
        let farExpiry = try await Self.sign(Claims(service: "s", exp: .init(value: Date().addingTimeInterval(7200))))
        let refused = try await status(for: farExpiry)
        #expect(refused.status == 401)
        #expect((refused.error["message"] as? String)?.contains("auth.max_token_ttl_seconds") == true)
        let longLived = try await Self.sign(
            Claims(
                service: "s", exp: .init(value: Date().addingTimeInterval(600)),
                iat: .init(value: Date().addingTimeInterval(-7200))))
        let lifetime = try await status(for: longLived)
        #expect(lifetime.status == 401)
        #expect((lifetime.error["message"] as? String)?.contains("exp − iat") == true)
        let withinLimit = try await Self.sign(
            Claims(
                service: "s", exp: .init(value: Date().addingTimeInterval(3000)),
                iat: .init(value: Date().addingTimeInterval(-300))))
        #expect(try await status(for: withinLimit).status == 200)
    }

    @Test func theMaximumLifetimeIsConfigurable() async throws {
        var settings = GatewayHarness.settings(providers: [])
        settings.maximumTokenLifetime = 60
        let token = try await Self.sign(Claims(service: "s", exp: .init(value: Date().addingTimeInterval(600))))
        let response = try await GatewayHarness.withGateway(settings) { client, _ in
            try await GatewayHarness.get(client, "/v1/models", token: token)
        }
        #expect(response.status == 401)
    }

    /// `/ready` needs no credentials, so it tells nothing but ready or not.
    @Test func readinessSaysNothingButItsStatus() async throws {
        let settings = GatewayHarness.settings(
            providers: [
                ProviderSettings(id: "gemini", kind: .gemini, unavailableReason: "no API key: set GEMINI_API_KEY")
            ])
        let response = try await GatewayHarness.withGateway(settings) { client, _ in
            try await GatewayHarness.get(client, "/ready", token: nil)
        }
        #expect(response.status == 200)
        #expect(Array(response.json.keys) == ["status"])
        #expect(!response.body.contains("gemini") && !response.body.contains("GEMINI"))
    }

    @Test func missingOrMalformedHeadersAreRefused() async throws {
        #expect(try await status(for: nil).status == 401)
        try await GatewayHarness.withGateway(GatewayHarness.settings(providers: [])) { client, _ in
            let response = try await client.execute(
                uri: "/v1/models", method: .get, headers: [.authorization: "Basic abc"])
            #expect(response.status == .unauthorized)
        }
    }

    @Test(arguments: ["/health", "/ready", "/metrics"])
    func operationalRoutesNeedNoToken(path: String) async throws {
        #expect(try await status(for: nil, path: path).status == 200)
    }

    @Test func es256KeysFromConfigurationAreAccepted() async throws {
        let privateKey = ES256PrivateKey()
        var settings = GatewayHarness.settings(providers: [])
        settings.es256PublicKeys = [privateKey.publicKey.pemRepresentation]
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: privateKey)
        let token = try await keys.sign(Claims(service: "partner", exp: .init(value: Self.hour)))
        let response = try await GatewayHarness.withGateway(settings) { client, _ in
            try await GatewayHarness.get(client, "/v1/models", token: token)
        }
        #expect(response.status == 200)
    }

    @Test func aShortSecretIsRefusedAtStartup() async throws {
        await #expect(throws: TokenRejection.self) {
            _ = try await ServiceTokenVerifier(hmacSecret: "too-short")
        }
        var settings = GatewayHarness.settings(providers: [])
        settings.jwtSecret = Secret("short")
        await #expect(throws: SettingsError.self) {
            _ = try await buildApplication(settings: settings, httpClient: .shared, logger: .init(label: "t"))
        }
    }
}
