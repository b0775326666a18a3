import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import SwitchyardBackend
import SwitchyardCore
import SwitchyardGateway
import SwitchyardServer
import SwitchyardStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the service. With no configuration it runs embedded: the mock provider and a dev token.")

    @Option(help: "Which services to run: all, gateway or backend.")
    var role: ServerRole = .all

    @Option(help: "The address to bind (default: server.host, else 127.0.0.1).")
    var host: String?

    @Option(help: "The port to bind (default: server.port, else 8080).")
    var port: Int?

    @Option(help: "A PEM certificate chain: serve HTTPS (with --tls-key; default: server.tls_cert).")
    var tlsCert: String?

    @Option(help: "The PEM private key of --tls-cert (default: server.tls_key).")
    var tlsKey: String?

    @Option(help: "Log lines as json (one object per line) or text (default: text on a terminal, else json).")
    var logFormat: LogFormat?

    enum LogFormat: String, ExpressibleByArgument {
        case json, text
    }

    func run() async throws {
        let level = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "") ?? .info
        let format = logFormat ?? (isatty(STDERR_FILENO) == 1 ? .text : .json)
        LoggingSystem.bootstrap { label in
            switch format {
            case .json:
                return JSONLogHandler(label: label, level: level)
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let logger = Logger(label: "switchyard")
        let settings: ServerSettings
        do {
            if (tlsCert == nil) != (tlsKey == nil) {
                throw ValidationError("--tls-cert and --tls-key go together: give both, or neither.")
            }
            let tls = tlsCert.flatMap { cert in tlsKey.map { TLSFiles(certificateChain: cert, privateKey: $0) } }
            settings = try await SettingsLoader.load(role: role, host: host, port: port, tls: tls)
        } catch let error as SettingsError {
            throw ValidationError(error.description)
        }
        let telemetry: Telemetry
        do {
            telemetry = try Telemetry.start(environment: ProcessInfo.processInfo.environment, logger: logger)
        } catch let error as SettingsError {
            throw ValidationError(error.description)
        }
        let client = makeHTTPClient(additionalCAFile: settings.gatewayCAFile)
        do {
            let scheme = settings.tls == nil ? "http" : "https"
            let built = try await buildApplication(
                settings: settings, httpClient: client, logger: logger, tracing: telemetry.tracing)
            if settings.jwtSecretIsEphemeral, settings.role != .backend {
                let minter = try await ServiceTokenMinter(secret: settings.jwtSecret)
                let lifetime = settings.maximumTokenLifetime
                let (token, _) = try await minter.mint(service: "dev", ttl: TimeInterval(lifetime))
                FileHandle.standardOutput.write(
                    Data(
                        """
                        No SWITCHYARD_JWT_SECRET is set: generated a secret for this run. A dev token, valid \(lifetime) s:

                          export SWITCHYARD_TOKEN=\(token)
                          curl -s \(scheme)://\(settings.host):\(settings.port)/v1/chat/completions \\
                            -H "Authorization: Bearer $SWITCHYARD_TOKEN" -H 'Content-Type: application/json' \\
                            -d '{"model":"switchyard-demo","messages":[{"role":"user","content":"Hello there"}]}'

                        """.utf8))
            }
            if let backend = settings.backend, backend.secretsAreEphemeral {
                let userToken = try await UserTokenMinter.mint(
                    secret: backend.userJWTSecret, subject: DemoSeed.demoUserExternalID, ttl: 24 * 3600)
                // Only a key generated for this run is printed; a configured one never is.
                let adminLine =
                    backend.adminKeyIsGenerated ? "  export SWITCHYARD_ADMIN_KEY=\(backend.adminKey.value)\n" : ""
                FileHandle.standardOutput.write(
                    Data(
                        """
                        Secrets not set (SWITCHYARD_ADMIN_KEY, SWITCHYARD_USER_JWT_SECRET) were generated for this run.
                        \(adminLine)  export USER_TOKEN=\(userToken)
                          curl -s \(scheme)://\(settings.host):\(settings.port)/v1/bots/mira/chat \\
                            -H "Authorization: Bearer $USER_TOKEN" -H 'Content-Type: application/json' \\
                            -d '{"message":"What does my chart say about this week?"}'
                        The operator console: \(scheme)://\(settings.host):\(settings.port)/console (sign in with the admin key).

                        """.utf8))
            }
            // The exporter runs beside the server and sends what is queued once it has stopped.
            try await telemetry.run {
                try await built.runUntilSignalled(drainSeconds: settings.drainSeconds, logger: logger)
            }
            // Every handler has returned, so every acknowledged turn is committed; this closes the connections.
            await built.store?.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
