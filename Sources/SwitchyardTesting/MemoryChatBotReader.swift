import Foundation
import SwitchyardCore

/// ``ChatBotReader`` over snapshots a test sets.
public actor MemoryChatBotReader: ChatBotReader {
    private let snapshots: [String: ChatBotSnapshot]

    /// - Parameter snapshots: The bots, each with its configs and prompts.
    public init(_ snapshots: [ChatBotSnapshot] = []) {
        self.snapshots = Dictionary(snapshots.map { ($0.bot.slug, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func chatBot(slug: String) async throws -> ChatBotSnapshot? {
        snapshots[slug]
    }
}
