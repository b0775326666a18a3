import ArgumentParser
import Foundation
import Logging
import SwitchyardServer
import SwitchyardStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the database migrations (PostgreSQL when DATABASE_URL is set, else the SQLite file).")

    @Option(help: "How long to wait for the database to answer before giving up (exit 1).")
    var waitSeconds: Int = 30

    func run() async throws {
        let settings = try await loadBackendSettings()
        let store = try await Store.open(settings.database, logger: Logger(label: "switchyard.migrate"))
        guard await store.availability.connect(within: .seconds(max(0, waitSeconds))) else {
            await store.shutdown()
            FileHandle.standardError.write(
                Data("The database at \(store.availability.location) did not answer within \(waitSeconds) s.\n".utf8))
            throw ExitCode.failure
        }
        do {
            try await store.migrate()
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
        print("migrations are up to date")
    }
}

/// The backend settings from the environment and configuration file, with errors for a person.
func loadBackendSettings() async throws -> BackendSettings {
    do {
        guard let backend = try await SettingsLoader.load(role: .backend).backend else {
            throw ValidationError("No backend settings.")
        }
        return backend
    } catch let error as SettingsError {
        throw ValidationError(error.description)
    }
}
