import Foundation
import SwitchyardCore
import SwitchyardStore

/// The backend's settings.
public struct BackendSettings: Sendable {
    public var database: StoreConfiguration
    /// Whether migrations (and the demo seed) run at startup: the embedded default.
    public var migrateOnStart: Bool
    public var seedOnStart: Bool
    public var adminKey: Secret
    public var userJWTSecret: Secret
    /// Whether the admin key was generated for this run (the embedded default only): then it is printed.
    public var adminKeyIsGenerated: Bool
    /// Whether the admin key or the user secret was generated for this run (the embedded default only).
    public var secretsAreEphemeral: Bool
    /// The app's time zone: the last resort for time variables.
    public var appTimeZone: TimeZone
    /// The configuration file's language instructions (the admin API's are laid over them).
    public var languageInstructions: LanguageInstructions
    /// The instruction text of each response length.
    public var responseLengths: [ResponseLength: String] = ResponseLengthTexts.defaults
    /// The gateway to call when the backend runs without it (`--role backend`).
    public var gatewayURL: String?
    /// `billing.hold_timeout_seconds`: a hold still pending after this long is released by the sweeper.
    public var holdTimeoutSeconds: Int = 120
    /// `billing.session_idle_minutes`: a session with no turn for this long has ended (0: never).
    public var sessionIdleMinutes: Int = 30
    /// `external_data`: the sources prompts may use.
    public var externalData = ExternalDataSettings()

    public init(
        database: StoreConfiguration, migrateOnStart: Bool = true, seedOnStart: Bool = true, adminKey: Secret,
        userJWTSecret: Secret, adminKeyIsGenerated: Bool = false, secretsAreEphemeral: Bool = false,
        appTimeZone: TimeZone,
        languageInstructions: LanguageInstructions = .defaults, gatewayURL: String? = nil
    ) {
        self.database = database
        self.migrateOnStart = migrateOnStart
        self.seedOnStart = seedOnStart
        self.adminKey = adminKey
        self.userJWTSecret = userJWTSecret
        self.adminKeyIsGenerated = adminKeyIsGenerated
        self.secretsAreEphemeral = secretsAreEphemeral
        self.appTimeZone = appTimeZone
        self.languageInstructions = languageInstructions
        self.gatewayURL = gatewayURL
    }

}
