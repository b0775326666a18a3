import Foundation
import SwitchyardCore

/// ``ChatBotReader`` over snapshots a test sets.
public actor MemoryChatBotReader: ChatBotReader {
    private var snapshots: [String: ChatBotSnapshot]

    /// - Parameter snapshots: The bots, each with its configs and prompts.
    public init(_ snapshots: [ChatBotSnapshot] = []) {
        self.snapshots = Dictionary(snapshots.map { ($0.bot.slug, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Adds or replaces a bot.
    public func put(_ snapshot: ChatBotSnapshot) {
        snapshots[snapshot.bot.slug] = snapshot
    }

    public func chatBot(slug: String) async throws -> ChatBotSnapshot? {
        snapshots[slug]
    }
}
