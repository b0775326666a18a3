import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardGateway
import SwitchyardServer

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a service token signed with SWITCHYARD_JWT_SECRET (or the file in SWITCHYARD_JWT_SECRET_FILE)."
    )

    @Option(help: "The `service` claim: the name of the calling service.")
    var service: String

    @Option(help: "Lifetime in seconds, at most auth.max_token_ttl_seconds (default 3600).")
    var ttl: Int = 3600

    func validate() throws {
        guard ttl > 0 else { throw ValidationError("--ttl must be a positive number of seconds.") }
        guard !service.isEmpty else { throw ValidationError("--service must not be empty.") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let maximum: Int
        do {
            maximum = try SettingsLoader.maximumTokenLifetime(environment: environment)
        } catch let error as SettingsError {
            throw ValidationError(error.description)
        }
        guard ttl <= maximum else {
            throw ValidationError(
                "--ttl \(ttl) is longer than the gateway accepts: at most \(maximum) s (auth.max_token_ttl_seconds).")
        }
        var secret = environment["SWITCHYARD_JWT_SECRET"]
        if let path = environment["SWITCHYARD_JWT_SECRET_FILE"] {
            secret = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let secret, !secret.isEmpty else {
            throw ValidationError("Set SWITCHYARD_JWT_SECRET (at least 32 bytes) to the gateway's secret.")
        }
        let minter: ServiceTokenMinter
        do {
            minter = try await ServiceTokenMinter(secret: Secret(secret))
        } catch let rejection as TokenRejection {
            throw ValidationError(rejection.message)
        }
        let (token, _) = try await minter.mint(service: service, ttl: TimeInterval(ttl))
        print(token)
    }
}
