import Configuration
import Foundation
import SwitchyardCore
import SwitchyardGateway
import SwitchyardProviders
import SwitchyardStore

/// Reads ``ServerSettings`` from the environment and the JSON configuration file, through swift-configuration.
///
/// Scalar keys (environment overrides file): `server.host` (`SERVER_HOST`), `server.port` (`SERVER_PORT`),
/// `server.drain_seconds` (`SERVER_DRAIN_SECONDS`, default 20), `server.backlog` (`SERVER_BACKLOG`, the accept queue,
/// default 4096; the kernel caps it at `net.core.somaxconn`), `server.tls_cert` and `server.tls_key` (`SERVER_TLS_CERT`,
/// `SERVER_TLS_KEY`: PEM files; both or neither), `SWITCHYARD_GATEWAY_CA_FILE` (a CA the upstream client trusts too),
/// `switchyard.jwt.secret` (`SWITCHYARD_JWT_SECRET`, or a file named by `SWITCHYARD_JWT_SECRET_FILE`),
/// `gateway.attempt_timeout_ms`, `gateway.request_deadline_ms`, `gateway.ttft_timeout_ms`,
/// `gateway.stream_timeout_ms`, `gateway.default_retries`, `gateway.max_body_bytes`, `gateway.cooldown_seconds`,
/// `gateway.cache_max_entries`, `gateway.cache_max_bytes` (the routes' answer caches, all routes together).
///
/// Provider keys and base URLs come from the file's `providers.<id>.api_key` / `base_url` when set there, else
/// from the variables each provider's official SDK reads (`OPENAI_API_KEY`, `GROQ_API_KEY`, …, each also as
/// `NAME_FILE`). The file is `SWITCHYARD_CONFIG`, or the built-in default.
public enum SettingsLoader {
    /// The providers with native (non-OpenAI) adapters.
    static let nativeProviders = ["anthropic", "gemini", "bedrock"]

    /// - Parameters:
    ///   - environment: The process environment.
    ///   - role: The role to run.
    ///   - host: A host given on the command line.
    ///   - port: A port given on the command line.
    ///   - tls: A certificate chain and key given on the command line.
    /// - Returns: The settings.
    /// - Throws: ``SettingsError`` with an actionable message.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        role: ServerRole = .all,
        host: String? = nil,
        port: Int? = nil,
        tls: TLSFiles? = nil
    ) async throws -> ServerSettings {
        let path = environment["SWITCHYARD_CONFIG"] ?? defaultConfigPath()
        guard let path else { throw SettingsError("No configuration file: set SWITCHYARD_CONFIG to a JSON file.") }
        let file = try ConfigurationFile.load(path: path)
        let secretNames = Set(environment.keys.filter { $0.hasSuffix("_KEY") || $0.hasSuffix("_SECRET") })
        let env = EnvironmentVariablesProvider(
            environmentVariables: environment, secretsSpecifier: .specific(secretNames))
        let reader = ConfigReader(providers: [env, try ScalarFileProvider.make(path: path)])
        let secret = try jwtSecret(environment: environment, reader: reader)
        let embedded = isEmbedded(role: role, environment: environment)
        if !embedded {
            var missing = secret == nil ? ["SWITCHYARD_JWT_SECRET"] : []
            if role.runsBackend {
                for name in ["SWITCHYARD_ADMIN_KEY", "SWITCHYARD_USER_JWT_SECRET"]
                where try firstValue([name], environment: environment) == nil {
                    missing.append(name)
                }
            }
            if !missing.isEmpty { throw missingSecrets(missing) }
        }
        var gateway = try gatewaySettings(reader)
        gateway.prices = file.prices
        gateway.rateLimits = file.rateLimits
        let backend =
            role.runsBackend
            ? try backendSettings(file: file, environment: environment, reader: reader, embedded: embedded) : nil
        if let backend, Duration.seconds(backend.holdTimeoutSeconds) <= gateway.requestDeadline {
            throw SettingsError(
                "`billing.hold_timeout_seconds` (\(backend.holdTimeoutSeconds)) must be longer than "
                    + "`gateway.request_deadline_ms`, or a slow turn's hold expires before it is settled.")
        }
        var settings = ServerSettings(
            host: host ?? reader.string(forKey: "server.host", default: "127.0.0.1"),
            port: try port ?? integer(reader, "server.port", default: 8080, in: 0...65535),
            role: role,
            jwtSecret: secret ?? Secret(randomSecret()),
            jwtSecretIsEphemeral: secret == nil,
            rs256PublicKeys: file.auth?.rs256PublicKeys ?? [],
            es256PublicKeys: file.auth?.es256PublicKeys ?? [],
            maximumTokenLifetime: try maximumTokenLifetime(reader),
            routing: file.routing,
            providers: try providers(file: file, environment: environment),
            gateway: gateway, backend: backend)
        settings.drainSeconds = try integer(reader, "server.drain_seconds", default: 20, in: 0...3600)
        settings.backlog = try integer(reader, "server.backlog", default: 4096, in: 1...65535)
        settings.tls = try tls ?? tlsFiles(reader)
        if let tls = settings.tls {
            try requireReadable(tls.certificateChain, "the TLS certificate (--tls-cert, server.tls_cert)")
            try requireReadable(tls.privateKey, "the TLS key (--tls-key, server.tls_key)")
        }
        if let ca = environment["SWITCHYARD_GATEWAY_CA_FILE"], !ca.isEmpty {
            try requireReadable(ca, "SWITCHYARD_GATEWAY_CA_FILE")
            settings.gatewayCAFile = ca
        }
        return settings
    }

    /// `server.tls_cert` and `server.tls_key`: both, or neither.
    static func tlsFiles(_ reader: ConfigReader) throws -> TLSFiles? {
        let certificate = reader.string(forKey: "server.tls_cert")
        let key = reader.string(forKey: "server.tls_key")
        switch (certificate, key) {
        case (nil, nil): return nil
        case (let certificate?, let key?): return TLSFiles(certificateChain: certificate, privateKey: key)
        default:
            throw SettingsError("TLS needs both a certificate and its key: set server.tls_cert and server.tls_key.")
        }
    }

    static func requireReadable(_ path: String, _ what: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SettingsError("Cannot read \(what) at \(path).")
        }
    }

    /// The embedded default: both roles in one process on SQLite. Only there are missing secrets generated.
    static func isEmbedded(role: ServerRole, environment: [String: String]) -> Bool {
        role == .all && (environment["DATABASE_URL"] ?? "").isEmpty
    }

    static func missingSecrets(_ names: [String]) -> SettingsError {
        SettingsError(
            "Missing \(names.joined(separator: ", ")). Secrets are generated only for the embedded default "
                + "(`serve` with no DATABASE_URL and --role all); set each (or NAME_FILE), for example with "
                + "`openssl rand -hex 32`, and use the same values on every replica.")
    }

    /// `auth.max_token_ttl_seconds` (`AUTH_MAX_TOKEN_TTL_SECONDS`): the longest service-token lifetime accepted.
    static func maximumTokenLifetime(_ reader: ConfigReader) throws -> Int {
        try integer(
            reader, "auth.max_token_ttl_seconds", default: Int(ServiceTokenVerifier.defaultMaximumLifetime),
            in: 10...86_400)
    }

    /// The longest service-token lifetime, for `switchyard token`.
    /// - Parameter environment: The process environment.
    /// - Returns: Seconds.
    public static func maximumTokenLifetime(environment: [String: String]) throws -> Int {
        guard let path = environment["SWITCHYARD_CONFIG"] ?? defaultConfigPath() else {
            return Int(ServiceTokenVerifier.defaultMaximumLifetime)
        }
        let env = EnvironmentVariablesProvider(environmentVariables: environment)
        return try maximumTokenLifetime(ConfigReader(providers: [env, try ScalarFileProvider.make(path: path)]))
    }

    /// The built-in configuration shipped with the executable.
    public static func defaultConfigPath() -> String? {
        Bundle.module.path(forResource: "default-config", ofType: "json")
    }

    static func backendSettings(
        file: ConfigurationFile, environment: [String: String], reader: ConfigReader, embedded: Bool
    ) throws
        -> BackendSettings
    {
        let database: StoreConfiguration
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw SettingsError("DATABASE_URL must be a postgres:// URL; unset it to use SQLite.")
            }
            database = .postgres(url: url)
        } else {
            database = .sqlite(path: environment["SWITCHYARD_SQLITE_PATH"] ?? "switchyard.sqlite")
        }
        let zoneName = reader.string(forKey: "backend.time_zone", default: "Asia/Kolkata")
        guard let zone = TimeZone(identifier: zoneName) else {
            throw SettingsError("`backend.time_zone` '\(zoneName)' is not an IANA time zone.")
        }
        let adminKey = try firstValue(["SWITCHYARD_ADMIN_KEY"], environment: environment)
        let userSecret = try firstValue(["SWITCHYARD_USER_JWT_SECRET"], environment: environment)
        if let userSecret, userSecret.utf8.count < 32 {
            throw SettingsError("SWITCHYARD_USER_JWT_SECRET must be at least 32 bytes.")
        }
        var settings = BackendSettings(
            database: database, migrateOnStart: embedded, seedOnStart: embedded,
            adminKey: Secret(adminKey ?? randomSecret()), userJWTSecret: Secret(userSecret ?? randomSecret()),
            adminKeyIsGenerated: adminKey == nil, secretsAreEphemeral: adminKey == nil || userSecret == nil,
            appTimeZone: zone,
            languageInstructions: LanguageInstructions.defaults.merging(file.languageInstructions ?? []),
            gatewayURL: environment["SWITCHYARD_GATEWAY_URL"])
        if let lengths = file.responseLengths { settings.responseLengths = lengths }
        settings.externalData = try file.externalData?.settings(environment: environment) ?? ExternalDataSettings()
        settings.holdTimeoutSeconds = try integer(
            reader, "billing.hold_timeout_seconds", default: settings.holdTimeoutSeconds, in: 10...86_400)
        settings.sessionIdleMinutes = try integer(
            reader, "billing.session_idle_minutes", default: settings.sessionIdleMinutes, in: 0...525_600)
        return settings
    }

    static func gatewaySettings(_ reader: ConfigReader) throws -> GatewaySettings {
        var settings = GatewaySettings()
        let ms = { (key: String, current: Duration) throws -> Duration in
            .milliseconds(try integer(reader, key, default: Int(current.seconds * 1000), in: 1...3_600_000))
        }
        settings.attemptTimeout = try ms("gateway.attempt_timeout_ms", settings.attemptTimeout)
        settings.requestDeadline = try ms("gateway.request_deadline_ms", settings.requestDeadline)
        settings.timeToFirstToken = try ms("gateway.ttft_timeout_ms", settings.timeToFirstToken)
        settings.streamTimeout = try ms("gateway.stream_timeout_ms", settings.streamTimeout)
        settings.defaultRetries = try integer(
            reader, "gateway.default_retries", default: settings.defaultRetries, in: 0...5)
        settings.maximumBodyBytes = try integer(
            reader, "gateway.max_body_bytes", default: settings.maximumBodyBytes, in: 1024...(64 * 1024 * 1024))
        settings.cacheMaximumEntries = try integer(
            reader, "gateway.cache_max_entries", default: settings.cacheMaximumEntries, in: 1...10_000_000)
        settings.cacheMaximumBytes = try integer(
            reader, "gateway.cache_max_bytes", default: settings.cacheMaximumBytes,
            in: (64 * 1024)...(64 * 1024 * 1024 * 1024))
        let cooldown = try integer(reader, "gateway.cooldown_seconds", default: 30, in: 1...3600)
        settings.cooldown.cooldown = .seconds(cooldown)
        return settings
    }

    static func integer(
        _ reader: ConfigReader, _ key: String, default value: Int, in range: ClosedRange<Int>
    ) throws
        -> Int
    {
        let configKey = ConfigKey(key)
        let number = reader.int(forKey: configKey) ?? reader.string(forKey: configKey).flatMap { Int($0) }
        if number == nil, let text = reader.string(forKey: configKey) {
            throw SettingsError("`\(key)` must be a whole number; got '\(text)'.")
        }
        let result = number ?? value
        guard range.contains(result) else {
            throw SettingsError("`\(key)` must be between \(range.lowerBound) and \(range.upperBound); got \(result).")
        }
        return result
    }

    static func jwtSecret(environment: [String: String], reader: ConfigReader) throws -> Secret? {
        if let file = environment["SWITCHYARD_JWT_SECRET_FILE"] {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw SettingsError("Cannot read SWITCHYARD_JWT_SECRET_FILE (\(file)).")
            }
            return try checked(Secret(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        guard let value = reader.string(forKey: "switchyard.jwt.secret", isSecret: true), !value.isEmpty else {
            return nil
        }
        return try checked(Secret(value))
    }

    private static func checked(_ secret: Secret) throws -> Secret {
        guard secret.value.utf8.count >= ServiceTokenVerifier.minimumSecretBytes else {
            throw SettingsError(
                "SWITCHYARD_JWT_SECRET is \(secret.value.utf8.count) bytes; it must be at least "
                    + "\(ServiceTokenVerifier.minimumSecretBytes). Generate one with `openssl rand -hex 32`.")
        }
        return secret
    }

    static func randomSecret() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
    }
}
