import ArgumentParser
import Logging
import SwitchyardBackend
import SwitchyardServer
import SwitchyardStore

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the demo data: Mira, a Vedic-astrologer bot on the mock provider, and a demo user.")

    func run() async throws {
        let settings = try await loadBackendSettings()
        let store = try await Store.open(settings.database, logger: Logger(label: "switchyard.seed"))
        do {
            try await store.migrate()
            try await DemoSeed.run(
                bots: store.catalog, configs: store.catalog, prompts: store.catalog, users: store.catalog)
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
        print("demo data is in place: bot 'mira', user '\(DemoSeed.demoUserExternalID)'")
    }
}
