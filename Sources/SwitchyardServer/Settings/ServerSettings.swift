import SwitchyardCore
import SwitchyardGateway

/// Everything the composition root needs, already validated. Tests build it directly; the command line loads it
/// with ``SettingsLoader``.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    public var role: ServerRole
    /// `server.drain_seconds`: how long in-flight requests may take after SIGTERM.
    public var drainSeconds: Int = 20
    /// `server.backlog`: how many connections may wait to be accepted. A burst larger than this (a thousand clients
    /// opening streams at once) has its connection attempts dropped and retried by the clients a second later.
    public var backlog: Int = 4096
    /// The certificate chain and key to serve TLS with (`--tls-cert`/`--tls-key`, `server.tls_cert`/`tls_key`); nil
    /// serves plain HTTP.
    public var tls: TLSFiles?
    /// A CA (PEM) that the upstream client trusts besides the system's roots, for a gateway whose certificate it
    /// issued (`SWITCHYARD_GATEWAY_CA_FILE`).
    public var gatewayCAFile: String?
    /// The HS256 secret for service tokens.
    public var jwtSecret: Secret
    /// Whether the secret was generated for this run (embedded mode with none configured).
    public var jwtSecretIsEphemeral: Bool
    public var rs256PublicKeys: [String]
    public var es256PublicKeys: [String]
    /// The longest service-token lifetime the gateway accepts, in seconds (`auth.max_token_ttl_seconds`).
    public var maximumTokenLifetime: Int
    public var routing: RoutingTable
    public var providers: [ProviderSettings]
    public var gateway: GatewaySettings
    /// The backend's settings; nil when the backend role does not run.
    public var backend: BackendSettings?

    /// - Parameters:
    ///   - host: The address to bind.
    ///   - port: The port to bind.
    ///   - role: The services to run.
    ///   - jwtSecret: The HS256 service-token secret.
    ///   - jwtSecretIsEphemeral: Whether it was generated for this run.
    ///   - rs256PublicKeys: PEM public keys accepted for RS256.
    ///   - es256PublicKeys: PEM public keys accepted for ES256.
    ///   - maximumTokenLifetime: The longest service-token lifetime accepted, in seconds.
    ///   - routing: Routes and fallback rules.
    ///   - providers: Provider set-ups.
    ///   - gateway: Gateway tunables.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        role: ServerRole = .all,
        jwtSecret: Secret,
        jwtSecretIsEphemeral: Bool = false,
        rs256PublicKeys: [String] = [],
        es256PublicKeys: [String] = [],
        maximumTokenLifetime: Int = Int(ServiceTokenVerifier.defaultMaximumLifetime),
        routing: RoutingTable,
        providers: [ProviderSettings],
        gateway: GatewaySettings = .init(),
        backend: BackendSettings? = nil
    ) {
        self.host = host
        self.port = port
        self.role = role
        self.jwtSecret = jwtSecret
        self.jwtSecretIsEphemeral = jwtSecretIsEphemeral
        self.rs256PublicKeys = rs256PublicKeys
        self.es256PublicKeys = es256PublicKeys
        self.maximumTokenLifetime = maximumTokenLifetime
        self.routing = routing
        self.providers = providers
        self.gateway = gateway
        self.backend = backend
    }
}

/// PEM files of a server's TLS identity.
public struct TLSFiles: Sendable, Equatable {
    public var certificateChain: String
    public var privateKey: String

    /// - Parameters:
    ///   - certificateChain: The certificate, then any intermediates.
    ///   - privateKey: Its private key.
    public init(certificateChain: String, privateKey: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }
}
