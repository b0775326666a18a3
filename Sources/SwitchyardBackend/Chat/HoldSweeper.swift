import Foundation
import Logging
import ServiceLifecycle
import SwitchyardCore

/// Releases holds that outlived their request (a crash, a kill, a lost connection to the database) once they expire:
/// the user's money is available again and the late settlement, if one comes, is refused. Runs on every replica;
/// each expiry is one conditional update, so replicas never release a hold twice.
public struct HoldSweeper: Service {
    let wallets: any WalletRepository
    let interval: Duration
    let isOutage: @Sendable (any Error) -> Bool
    let logger: Logger

    /// - Parameters:
    ///   - wallets: The ledger.
    ///   - interval: Time between passes.
    ///   - isOutage: Whether an error is a database outage (logged once by the store, so not by each pass).
    ///   - logger: Logs each pass that released something.
    public init(
        wallets: any WalletRepository, interval: Duration,
        isOutage: @escaping @Sendable (any Error) -> Bool = { _ in false },
        logger: Logger
    ) {
        self.wallets = wallets
        self.interval = interval
        self.isOutage = isOutage
        self.logger = logger
    }

    /// One pass: expires every overdue hold, a hundred at a time.
    /// - Returns: How many it released.
    @discardableResult public func sweep(now: Date = Date()) async throws -> Int {
        var total = 0
        while true {
            let expired = try await wallets.expireHolds(now: now, limit: 100)
            total += expired
            if expired < 100 { break }
        }
        if total > 0 { logger.warning("released expired holds", metadata: ["count": "\(total)"]) }
        return total
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await sweep()
                } catch is CancellationError {
                    return
                } catch let error where !isOutage(error) {
                    logger.warning("hold sweep failed; retrying", metadata: ["error": "\(type(of: error))"])
                } catch {
                    // A database outage: the store has logged it.
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
