import Foundation
import SwitchyardCore
import SwitchyardGateway
import SwitchyardProviders
import SwitchyardServer
import Testing

/// Configuration: environment plus JSON file, and the default routing data.
@Suite struct SettingsLoaderTests {
    let secret = GatewayHarness.secret

    @Test func theDefaultConfigurationReproducesTheReferenceChains() async throws {
        let settings = try await SettingsLoader.load(environment: ["SWITCHYARD_JWT_SECRET": secret])
        let service = GatewayService(registry: ProviderRegistry(providers: []), routing: settings.routing)
        func chain(_ provider: String, _ model: String) -> [String] {
            service.plan(for: GenerationRequest(provider: provider, model: model, messages: [])).chain.map(
                \.key.description)
        }
        #expect(
            chain("gemini", "gemini-2.5-pro") == [
                "gemini/gemini-2.5-pro", "gemini/gemini-2.5-flash", "gemini/gemini-2.0-flash",
            ])
        #expect(chain("gemini", "gemini-1.5-pro") == ["gemini/gemini-1.5-pro", "gemini/gemini-2.0-flash"])
        #expect(
            chain("bedrock", "deepseek.v3-v1:0") == [
                "bedrock/deepseek.v3-v1:0", "byteplus/deepseek-v3-1-250821", "gemini/gemini-2.0-flash",
            ])
        #expect(chain("byteplus", "seed-1-6-250915") == ["byteplus/seed-1-6-250915", "gemini/gemini-2.0-flash"])
        #expect(chain("openai", "gpt-4o") == ["openai/gpt-4o", "gemini/gemini-2.0-flash"])
    }

    @Test func aProviderWithoutAKeyIsReportedNotFatal() async throws {
        let settings = try await SettingsLoader.load(environment: ["SWITCHYARD_JWT_SECRET": secret])
        let openai = try #require(settings.providers.first { $0.id == "openai" })
        #expect(openai.unavailableReason == "no API key: set OPENAI_API_KEY")
        let mock = try #require(settings.providers.first { $0.id == "mock" })
        #expect(mock.unavailableReason == nil)
        #expect(!settings.jwtSecretIsEphemeral)
    }

    @Test func keysAndBaseURLsComeFromTheSDKVariables() async throws {
        let settings = try await SettingsLoader.load(environment: [
            "SWITCHYARD_JWT_SECRET": secret, "GROQ_API_KEY": "gsk_x", "GROQ_BASE_URL": "http://127.0.0.1:1/openai/v1",
        ])
        let groq = try #require(settings.providers.first { $0.id == "groq" })
        #expect(groq.apiKey?.value == "gsk_x")
        #expect(groq.baseURL == "http://127.0.0.1:1/openai/v1")
        #expect(groq.unavailableReason == nil)
        #expect("\(groq.apiKey!)" == "<redacted>")
    }

    @Test func theFileOverridesTheEnvironmentForProviderKeys() async throws {
        let path = try writeConfig(
            #"{"providers":{"openai":{"api_key":"sk-from-file","base_url":"http://127.0.0.1:2/v1"},"local":{"kind":"openai-compatible","base_url":"http://127.0.0.1:3/v1"}},"gateway":{"attempt_timeout_ms":1234}}"#
        )
        let settings = try await SettingsLoader.load(environment: [
            "SWITCHYARD_JWT_SECRET": secret, "SWITCHYARD_CONFIG": path, "OPENAI_API_KEY": "sk-from-env",
            "GATEWAY_DEFAULT_RETRIES": "3",
        ])
        let openai = try #require(settings.providers.first { $0.id == "openai" })
        #expect(openai.apiKey?.value == "sk-from-file")
        let local = try #require(settings.providers.first { $0.id == "local" })
        #expect(local.kind == .openAIFamily(.openaiCompatible))
        #expect(local.unavailableReason == nil)
        #expect(settings.gateway.attemptTimeout == .milliseconds(1234))
        #expect(settings.gateway.defaultRetries == 3)
    }

    @Test(arguments: [
        (["SWITCHYARD_JWT_SECRET": "short"], "at least 32"),
        (["SERVER_PORT": "eighty"], "server.port"),
        (["GATEWAY_DEFAULT_RETRIES": "99"], "gateway.default_retries"),
        (["SWITCHYARD_CONFIG": "/nonexistent.json"], "Cannot read"),
    ])
    func badSettingsAreRefusedWithAMessage(environment: [String: String], fragment: String) async throws {
        var env = environment
        if env["SWITCHYARD_JWT_SECRET"] == nil { env["SWITCHYARD_JWT_SECRET"] = secret }
        do {
            _ = try await SettingsLoader.load(environment: env)
            Issue.record("expected a settings error")
        } catch let error as SettingsError {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    @Test func anUnknownProviderKindIsRefused() async throws {
        let path = try writeConfig(#"{"providers":{"x":{"kind":"telepathy"}}}"#)
        await #expect(throws: SettingsError.self) {
            _ = try await SettingsLoader.load(environment: ["SWITCHYARD_JWT_SECRET": secret, "SWITCHYARD_CONFIG": path])
        }
    }

    @Test func withoutASecretOneIsGeneratedForTheRun() async throws {
        let settings = try await SettingsLoader.load(environment: [:])
        #expect(settings.jwtSecretIsEphemeral)
        #expect(settings.jwtSecret.value.utf8.count >= 32)
    }

    func writeConfig(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-\(UUID().uuidString).json")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
