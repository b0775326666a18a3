import Foundation
import Logging
import SwitchyardStore
import Testing

/// The databases the repository suite runs on: SQLite always, PostgreSQL when `SWITCHYARD_TEST_POSTGRES_URL` names
/// a local server (CI starts one). Each is opened and migrated once per test process.
enum TestStores {
    static let postgresURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["SWITCHYARD_TEST_POSTGRES_URL"], !url.isEmpty else {
            return nil
        }
        // Never point the suite at anything but this machine.
        guard url.contains("@127.0.0.1") || url.contains("@localhost") else { return nil }
        return url
    }()

    static var configurations: [StoreConfiguration] {
        let sqlite = StoreConfiguration.sqlite(
            path: FileManager.default.temporaryDirectory.appendingPathComponent(
                "switchyard-tests-\(ProcessInfo.processInfo.processIdentifier).sqlite"
            ).path)
        return [sqlite] + (postgresURL.map { [.postgres(url: $0)] } ?? [])
    }

    private static let opened = OpenedStores()

    static func store(_ configuration: StoreConfiguration) async throws -> FluentStore {
        try await opened.store(configuration)
    }

    actor OpenedStores {
        var stores: [StoreConfiguration: Task<FluentStore, any Error>] = [:]

        func store(_ configuration: StoreConfiguration) async throws -> FluentStore {
            if let task = stores[configuration] { return try await task.value }
            let task = Task {
                if case .sqlite(let path) = configuration {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                }
                let store = try await FluentStore.open(configuration, logger: Logger(label: "tests"))
                try await store.migrate()
                return store
            }
            stores[configuration] = task
            return try await task.value
        }
    }
}

extension StoreConfiguration: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .sqlite(let path): hasher.combine("sqlite" + path)
        case .postgres(let url): hasher.combine("postgres" + url)
        }
    }
}

extension StoreConfiguration: CustomTestStringConvertible {
    public var testDescription: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgres"
        }
    }
}
