import Foundation
import Logging
import SQLKit
import Testing

@testable import SwitchyardStore

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

    /// `scripts/test.sh` sets this: then a missing PostgreSQL fails the suite instead of skipping its half.
    static let postgresRequired = ProcessInfo.processInfo.environment["SWITCHYARD_REQUIRE_POSTGRES"] == "1"

    static var configurations: [StoreConfiguration] {
        let sqlite = StoreConfiguration.sqlite(
            path: FileManager.default.temporaryDirectory.appendingPathComponent(
                "switchyard-tests-\(ProcessInfo.processInfo.processIdentifier).sqlite"
            ).path)
        if let postgresURL { return [sqlite, .postgres(url: postgresURL)] }
        // An empty URL stands for "required but missing": opening it fails the test that asked for it.
        return postgresRequired ? [sqlite, .postgres(url: "")] : [sqlite]
    }

    struct MissingPostgres: Error, CustomStringConvertible {
        var description: String {
            "SWITCHYARD_REQUIRE_POSTGRES=1 but SWITCHYARD_TEST_POSTGRES_URL names no local server (127.0.0.1/localhost)"
        }
    }

    private static let opened = OpenedStores()

    static func store(_ configuration: StoreConfiguration) async throws -> Store {
        try await opened.store(configuration)
    }

    actor OpenedStores {
        var stores: [StoreConfiguration: Task<Store, any Error>] = [:]

        func store(_ configuration: StoreConfiguration) async throws -> Store {
            if let task = stores[configuration] { return try await task.value }
            let task = Task {
                if case .postgres(let url) = configuration, url.isEmpty { throw MissingPostgres() }
                if case .sqlite(let path) = configuration {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                }
                let store = try await Store.open(configuration, logger: Logger(label: "tests"))
                try await store.migrate()
                return store
            }
            stores[configuration] = task
            return try await task.value
        }
    }
}

extension Store {
    /// How many sessions a user has.
    func sessionCount(userID: UUID) async throws -> Int {
        try await catalog.readSQL().raw("SELECT COUNT(*) AS n FROM chat_sessions WHERE user_id = \(bind: userID)")
            .first()?
            .decode(column: "n", as: Int.self) ?? 0
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
