import ArgumentParser
import Logging
import SwitchyardServer
import SwitchyardStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the database migrations (PostgreSQL when DATABASE_URL is set, else the SQLite file).")

    func run() async throws {
        let settings = try await loadBackendSettings()
        let store = try await Store.open(settings.database, logger: Logger(label: "switchyard.migrate"))
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
