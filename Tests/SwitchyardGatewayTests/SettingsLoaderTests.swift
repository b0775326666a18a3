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
            #"{"providers":{"openai":{"api_key":"sk-from-file","base_url":"http://127.0.0.1:2/v1"},"local":{"kind":"openai-compatible","base_url":"http://127.0.0.1:3/v1"}},"gateway":{"attempt_timeout_ms":1234,"cache_max_bytes":1048576}}"#
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let settings = try await SettingsLoader.load(environment: [
            "SWITCHYARD_JWT_SECRET": secret, "SWITCHYARD_CONFIG": path, "OPENAI_API_KEY": "sk-from-env",
            "GATEWAY_DEFAULT_RETRIES": "3", "GATEWAY_CACHE_MAX_ENTRIES": "500",
        ])
        let openai = try #require(settings.providers.first { $0.id == "openai" })
        #expect(openai.apiKey?.value == "sk-from-file")
        let local = try #require(settings.providers.first { $0.id == "local" })
        #expect(local.kind == .openAIFamily(.openaiCompatible))
        #expect(local.unavailableReason == nil)
        #expect(settings.gateway.attemptTimeout == .milliseconds(1234))
        #expect(settings.gateway.defaultRetries == 3)
        #expect(settings.gateway.cacheMaximumBytes == 1_048_576)
        #expect(settings.gateway.cacheMaximumEntries == 500)
    }

    @Test(arguments: [
        (["SWITCHYARD_JWT_SECRET": "short"], "at least 32"),
        (["SERVER_PORT": "eighty"], "server.port"),
        (["GATEWAY_DEFAULT_RETRIES": "99"], "gateway.default_retries"),
        (["GATEWAY_CACHE_MAX_BYTES": "1000"], "gateway.cache_max_bytes"),
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
        defer { try? FileManager.default.removeItem(atPath: path) }
        await #expect(throws: SettingsError.self) {
            _ = try await SettingsLoader.load(environment: ["SWITCHYARD_JWT_SECRET": secret, "SWITCHYARD_CONFIG": path])
        }
    }

    @Test func withoutASecretOneIsGeneratedForTheRun() async throws {
        let settings = try await SettingsLoader.load(environment: [:])
        #expect(settings.jwtSecretIsEphemeral)
        #expect(settings.jwtSecret.value.utf8.count >= 32)
    }

    /// Only the embedded default may invent secrets: a PostgreSQL deployment or a split role must be given them.
    @Test(arguments: [
        (
            ["DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db"], ServerRole.all,
            "SWITCHYARD_JWT_SECRET, SWITCHYARD_ADMIN_KEY, SWITCHYARD_USER_JWT_SECRET"
        ),
        ([:], ServerRole.gateway, "SWITCHYARD_JWT_SECRET"),
        ([:], ServerRole.backend, "SWITCHYARD_JWT_SECRET, SWITCHYARD_ADMIN_KEY, SWITCHYARD_USER_JWT_SECRET"),
        (
            [
                "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
                "SWITCHYARD_JWT_SECRET": String(repeating: "s", count: 32),
            ],
            ServerRole.all, "SWITCHYARD_ADMIN_KEY, SWITCHYARD_USER_JWT_SECRET"
        ),
        (
            ["SWITCHYARD_JWT_SECRET": String(repeating: "s", count: 32), "SWITCHYARD_ADMIN_KEY": "k"],
            ServerRole.backend, "SWITCHYARD_USER_JWT_SECRET"
        ),
    ])
    func secretsAreNotInventedOutsideTheEmbeddedDefault(
        environment: [String: String], role: ServerRole, missing: String
    ) async throws {
        do {
            _ = try await SettingsLoader.load(environment: environment, role: role)
            Issue.record("expected a refusal naming \(missing)")
        } catch let error as SettingsError {
            #expect(error.description.contains("Missing \(missing)."), "\(error.description)")
            #expect(!error.description.contains("u:p@"), "the database password stays out")
        }
    }

    @Test func theEmbeddedDefaultGeneratesAndMarksItsSecrets() async throws {
        let generated = try await SettingsLoader.load(environment: [:])
        #expect(generated.backend?.adminKeyIsGenerated == true)
        let given = try await SettingsLoader.load(environment: ["SWITCHYARD_ADMIN_KEY": "an-admin-key-of-my-own"])
        #expect(given.backend?.adminKeyIsGenerated == false)
        #expect(given.backend?.secretsAreEphemeral == true)
    }

    @Test func theMaximumTokenLifetimeIsRead() async throws {
        let settings = try await SettingsLoader.load(
            environment: ["SWITCHYARD_JWT_SECRET": secret, "AUTH_MAX_TOKEN_TTL_SECONDS": "900"], role: .gateway)
        #expect(settings.maximumTokenLifetime == 900)
        #expect(try SettingsLoader.maximumTokenLifetime(environment: ["AUTH_MAX_TOKEN_TTL_SECONDS": "900"]) == 900)
        await #expect(throws: SettingsError.self) {
            _ = try await SettingsLoader.load(
                environment: ["SWITCHYARD_JWT_SECRET": secret, "AUTH_MAX_TOKEN_TTL_SECONDS": "999999"], role: .gateway)
        }
    }

    @Test func billingTimesComeFromTheFileAndMustOutlastTheDeadline() async throws {
        let path = try writeConfig(
            #"{"gateway":{"request_deadline_ms":8000},"billing":{"hold_timeout_seconds":10,"session_idle_minutes":0}}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let settings = try await SettingsLoader.load(
            environment: ["SWITCHYARD_JWT_SECRET": secret, "SWITCHYARD_CONFIG": path])
        #expect(settings.backend?.holdTimeoutSeconds == 10)
        #expect(settings.backend?.sessionIdleMinutes == 0)
        let short = try writeConfig(
            #"{"gateway":{"request_deadline_ms":30000},"billing":{"hold_timeout_seconds":20}}"#)
        defer { try? FileManager.default.removeItem(atPath: short) }
        await #expect(throws: SettingsError.self) {
            _ = try await SettingsLoader.load(environment: [
                "SWITCHYARD_JWT_SECRET": secret, "SWITCHYARD_CONFIG": short,
            ])
        }
    }

    @Test func tlsNeedsACertificateAndAKeyThatCanBeRead() async throws {
        try await expectRefused(
            #"{"server":{"tls_cert":"/etc/hostname"}}"#, mentioning: "TLS needs both a certificate and its key")
        try await expectRefused(
            #"{"server":{"tls_cert":"/nonexistent/chain.pem","tls_key":"/etc/hostname"}}"#,
            mentioning: "Cannot read the TLS certificate (--tls-cert, server.tls_cert) at /nonexistent/chain.pem")
        do {
            _ = try await SettingsLoader.load(environment: [
                "SWITCHYARD_JWT_SECRET": secret, "SWITCHYARD_GATEWAY_CA_FILE": "/nonexistent/ca.pem",
            ])
            Issue.record("accepted a CA file that does not exist")
        } catch let error as SettingsError {
            #expect(error.description.contains("Cannot read SWITCHYARD_GATEWAY_CA_FILE at /nonexistent/ca.pem"))
        }
    }

    @Test func rateLimitsComeFromTheFileAndOutOfRangeOnesAreNamed() async throws {
        let path = try writeConfig(
            #"{"rate_limits":{"services":{"*":{"requests_per_minute":600},"backend":{"requests_per_minute":6000,"burst":300,"tokens_per_minute":2000000}},"users":{"tokens_per_minute":40000}}}"#
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let settings = try await SettingsLoader.load(
            environment: ["SWITCHYARD_JWT_SECRET": secret, "SWITCHYARD_CONFIG": path])
        #expect(
            settings.gateway.rateLimits
                == RateLimitRules(
                    services: ["backend": RateLimit(requestsPerMinute: 6000, burst: 300, tokensPerMinute: 2_000_000)],
                    defaultService: RateLimit(requestsPerMinute: 600, burst: 10),
                    user: RateLimit(requestsPerMinute: nil, tokensPerMinute: 40_000)))
        #expect(settings.gateway.rateLimits.limitsTokens)
        let cases = [
            (
                #"{"users":{"requests_per_minute":20,"burst":0}}"#,
                "`rate_limits.users.burst` must be 1 to 1000000; got 0"
            ),
            (#"{"users":{"burst":5}}"#, "`rate_limits.users` needs `requests_per_minute`, `tokens_per_minute` or both"),
            (#"{"users":{"tokens_per_minute":100,"burst":5}}"#, "`rate_limits.users.burst` is the requests allowed"),
            (#"{"services":{"*":{"tokens_per_minute":0}}}"#, "`rate_limits.services.*.tokens_per_minute` must be 1 to"),
        ]
        for (section, message) in cases {
            try await expectRefused(#"{"rate_limits":"# + section + "}", mentioning: message)
        }
    }

    @Test func externalDataSourcesAreDeclaredCheckedAndCredentialed() async throws {
        let path = try writeConfig(
            #"{"external_data":{"sources":{"astrology":{"freshness_seconds":3600},"weather":{"base_url":"http://weather.test"}}}}"#
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = [
            "SWITCHYARD_JWT_SECRET": secret, "SWITCHYARD_CONFIG": path, "ASTROLOGY_API_USER_ID": "u1",
            "ASTROLOGY_API_KEY": "k1", "OPEN_METEO_GEOCODING_BASE_URL": "http://geo.test",
        ]
        let settings = try await SettingsLoader.load(environment: environment)
        let external = try #require(settings.backend?.externalData)
        #expect(external.sources.map(\.name) == ["astrology", "weather"])
        #expect(external.sources[0].baseURL == "https://json.astrologyapi.com")
        #expect(external.sources[0].settings.freshness == 3600)
        #expect(external.sources[0].settings.maxStale == ExternalSourceSettings.astrology.maxStale)
        #expect(external.sources[1].baseURL == "http://weather.test")
        #expect(external.geocodingBaseURL == "http://geo.test")
        var keyless = environment
        keyless["ASTROLOGY_API_KEY"] = nil
        do {
            _ = try await SettingsLoader.load(environment: keyless)
            Issue.record("astrology without a key was accepted")
        } catch let error as SettingsError {
            #expect(error.description.contains("ASTROLOGY_API_KEY"))
        }
        try await expectRefused(
            #"{"external_data":{"sources":{"tarot":{}}}}"#, mentioning: "external_data.sources.tarot")
    }

    /// The shipped table prices every model of the default chains except BytePlus's, and is dated.
    @Test func theDefaultConfigurationShipsDatedPrices() async throws {
        let prices = try await SettingsLoader.load(environment: ["SWITCHYARD_JWT_SECRET": secret]).gateway.prices
        #expect(prices.asOf == "2026-11-30")
        let mini = try #require(prices.price(provider: "openai", model: "gpt-4o-mini", region: nil))
        #expect(
            mini
                == ModelPrice(
                    inputMicrosPerMillion: 150_000, outputMicrosPerMillion: 600_000,
                    cachedInputMicrosPerMillion: 75_000))
        for (provider, model) in [
            ("gemini", "gemini-2.5-pro"), ("gemini", "gemini-2.5-flash"), ("gemini", "gemini-2.0-flash"),
            ("anthropic", "claude-sonnet-4-5"), ("bedrock", "deepseek.v3-v1:0"), ("mock", "echo-1"),
        ] {
            #expect(prices.price(provider: provider, model: model, region: "us-east-1") != nil, "\(provider)/\(model)")
        }
        #expect(prices.price(provider: "byteplus", model: "deepseek-v3-1-250821", region: nil) == nil)
    }

    @Test(arguments: [
        (
            #"{"prices":{"models":{"openai/gpt-4o-mini":{"input":-1,"output":1}}}}"#,
            "prices.models.openai/gpt-4o-mini.input"
        ),
        (#"{"prices":{"models":{"openai/gpt-4o-mini":{"input":0.0000001,"output":1}}}}"#, "at most 6 decimals"),
        (#"{"prices":{"models":{"gpt-4o-mini":{"input":1,"output":1}}}}"#, "provider/model"),
        (
            #"{"prices":{"models":{"bedrock/x":{"input":1,"output":1,"regions":{"eu-west-1":{"input":1,"output":"a"}}}}}}"#,
            "output"
        ),
    ])
    func badPricesAreRefusedWithTheirPlace(config: String, fragment: String) async throws {
        try await expectRefused(config, mentioning: fragment)
    }

    /// Loads `config` as the configuration file and expects it refused with a message containing `fragment`.
    func expectRefused(_ config: String, mentioning fragment: String) async throws {
        let path = try writeConfig(config)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try await SettingsLoader.load(environment: ["SWITCHYARD_JWT_SECRET": secret, "SWITCHYARD_CONFIG": path])
            Issue.record("accepted \(config)")
        } catch let error as SettingsError {
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }

    func writeConfig(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-\(UUID().uuidString).json")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
