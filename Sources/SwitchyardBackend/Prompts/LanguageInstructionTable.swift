import Foundation
import Logging
import SwitchyardCore
import Synchronization

/// The language instructions a turn uses: the configuration file's (or the shipped defaults), with the entries set
/// through the admin API laid over them. The database is read again at most every `refreshInterval`, so every
/// replica sees an edit within that time; an edit on this replica is seen at once.
public final class LanguageInstructionTable: Sendable {
    let base: LanguageInstructions
    let repository: (any LanguageInstructionRepository)?
    let refreshInterval: TimeInterval
    let isOutage: @Sendable (any Error) -> Bool
    private let state = Mutex<(table: LanguageInstructions, loadedAt: Date?)>((.defaults, nil))
    private let logger = Logger(label: "switchyard.language-instructions")

    /// - Parameters:
    ///   - base: The configuration file's entries.
    ///   - repository: Where the admin API's entries live (nil: the base alone).
    ///   - refreshInterval: How long a read of the database is used.
    ///   - isOutage: Whether an error is a database outage (logged once by the store, so not here).
    public init(
        base: LanguageInstructions = .defaults, repository: (any LanguageInstructionRepository)? = nil,
        refreshInterval: TimeInterval = 5, isOutage: @escaping @Sendable (any Error) -> Bool = { _ in false }
    ) {
        self.base = base
        self.repository = repository
        self.refreshInterval = refreshInterval
        self.isOutage = isOutage
        state.withLock { $0.table = base }
    }

    /// The table now. A failed read keeps the last one (and says so in the log).
    public func current(now: Date = Date()) async -> LanguageInstructions {
        let (table, loadedAt) = state.withLock { ($0.table, $0.loadedAt) }
        guard let repository else { return table }
        if let loadedAt, now.timeIntervalSince(loadedAt) < refreshInterval { return table }
        do {
            let merged = base.merging(try await repository.languageInstructions())
            state.withLock { $0 = (merged, now) }
            return merged
        } catch {
            if !isOutage(error) {
                logger.warning(
                    "could not read language instructions; using the last ones",
                    metadata: ["error": "\(type(of: error))"])
            }
            state.withLock { $0.loadedAt = now }
            return table
        }
    }

    /// Forgets the last read, after an edit.
    public func invalidate() {
        state.withLock { $0.loadedAt = nil }
    }
}
