import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SwitchyardCore
import SwitchyardProviders
import SwitchyardServer
import SwitchyardStore
import SwitchyardTesting
import Synchronization
import Testing

@testable import SwitchyardBackend

/// How the service tells "the database (or the gateway) cannot be reached" from other failures, logs it once, and
/// says so on `/ready`. The outage of a real PostgreSQL is tested on real processes (Tests/operations).
@Suite struct AvailabilityTests {
    /// A PostgreSQL that refuses connections: the store's real error is an outage, the probe says so, and the log
    /// line names the host and port but never the password.
    @Test func aRefusedConnectionIsAnOutageAndTheLogHasNoPassword() async throws {
        let logs = CapturedLogs()
        let store = try await Store.open(
            .postgres(url: "postgres://app:hunter2-secret@127.0.0.1:1/none?sslmode=disable"), logger: logs.logger())
        do {
            try await store.chats.ping()
            Issue.record("a closed port answered")
        } catch {
            #expect(DatabaseAvailability.isUnreachable(error))
        }
        #expect(await store.availability.probe() == false)
        #expect(store.availability.current == .connecting(failedTries: 1))
        await store.shutdown()
        #expect(logs.text.contains("could not connect to the database at postgres://127.0.0.1:1/none (try 1)"))
        #expect(!logs.text.contains("hunter2"))
    }

    /// Refusals by a database that answers are not outages: they stay what they were (a 409, a 404 or a 500).
    @Test(arguments: [
        StoreError.conflict("slug") as any Error, StoreError.notFound("bot") as any Error,
        CancellationError() as any Error, URLError(.badURL) as any Error,
    ])
    func otherErrorsAreNotOutages(error: any Error) {
        #expect(!DatabaseAvailability.isUnreachable(error))
    }

    /// One line when requests find the database gone, however many do, and one when a probe finds it back.
    @Test func anOutageIsLoggedOnceEachWay() async throws {
        let logs = CapturedLogs()
        let answers = Mutex(true)
        let availability = DatabaseAvailability(location: "postgres://db:5432/app", logger: logs.logger()) {
            if !answers.withLock({ $0 }) { throw IOError(errnoCode: ECONNREFUSED, reason: "connect") }
        }
        #expect(await availability.probe())
        #expect(availability.isUp)
        answers.withLock { $0 = false }
        for _ in 0..<50 {
            #expect(availability.observe(IOError(errnoCode: ECONNRESET, reason: "read")))
        }
        #expect(await availability.probe() == false)
        #expect(!availability.observe(StoreError.conflict("slug")), "a refusal is not an outage")
        answers.withLock { $0 = true }
        #expect(await availability.probe())
        let lines = logs.text.split(separator: "\n")
        #expect(lines.filter { $0.contains("stopped answering") }.count == 1)
        #expect(lines.filter { $0.contains("is back after") }.count == 1)
        #expect(lines.count == 3, "connected, stopped, back: \(lines)")
    }

    /// A probe called off because the process is stopping (a failed start, a signal) is not a failed connection.
    @Test func aCancelledProbeRecordsNothing() async throws {
        let logs = CapturedLogs()
        let availability = DatabaseAvailability(location: "sqlite:switchyard.sqlite", logger: logs.logger()) {
            throw CancellationError()
        }
        #expect(await availability.probe() == false)
        #expect(availability.current == .connecting(failedTries: 0))
        #expect(logs.text.isEmpty, "\(logs.text)")
    }

    /// `--role backend` is not ready while its gateway's `/health` does not answer, and is once it does.
    @Test func aSeparateBackendIsReadyOnlyWithItsGateway() async throws {
        let gateway = try await buildApplication(
            settings: ServerSettings(
                port: 0, role: .gateway, jwtSecret: Secret(BackendHarness.gatewaySecret), routing: RoutingTable(),
                providers: [ProviderSettings(id: "mock", kind: .mock(.init()))]),
            httpClient: .shared, logger: Logger(label: "test"))
        try await BackendHarness.live(gateway) { gatewayClient in
            let port = try #require(gatewayClient.port)
            for (url, ready) in [("http://127.0.0.1:\(port)", true), ("http://127.0.0.1:1", false)] {
                let path = FileManager.default.temporaryDirectory
                    .appendingPathComponent("ready-\(UUID().uuidString).sqlite").path
                defer {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                }
                var backend = BackendSettings(
                    database: .sqlite(path: path), adminKey: Secret(BackendHarness.adminKey),
                    userJWTSecret: Secret(BackendHarness.userSecret),
                    appTimeZone: TimeZone(identifier: "Asia/Kolkata")!, gatewayURL: url)
                backend.seedOnStart = false
                let built = try await buildApplication(
                    settings: ServerSettings(
                        port: 0, role: .backend, jwtSecret: Secret(BackendHarness.gatewaySecret),
                        routing: RoutingTable(), providers: [], backend: backend),
                    httpClient: .shared, logger: Logger(label: "test"))
                try await built.application.test(.router) { client in
                    let status = try await client.execute(uri: "/ready", method: .get).status
                    #expect(status == (ready ? .ok : .serviceUnavailable), "gateway at \(url)")
                    #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
                }
                await built.store?.shutdown()
            }
        }
    }
}
