/// Who wrote a message in a conversation, in OpenAI's vocabulary.
public enum ChatRole: String, Sendable, Codable, CaseIterable {
    case system
    case developer
    case user
    case assistant
    case tool
}

/// One text message of a conversation.
public struct ChatMessage: Sendable, Hashable, Codable {
    public var role: ChatRole
    public var content: String

    /// - Parameters:
    ///   - role: Who wrote the message.
    ///   - content: Its text.
    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }
}
