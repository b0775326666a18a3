import SwitchyardCore

/// Folds a conversation into the strictly alternating user/assistant turns that Anthropic, Gemini and Bedrock
/// take: everything but an assistant message is the user's side, and consecutive messages of one side merge.
enum Turns {
    struct Turn {
        var isAssistant: Bool
        var texts: [String]
    }

    static func alternating(_ messages: [ChatMessage]) -> [Turn] {
        var turns: [Turn] = []
        for message in messages {
            let isAssistant = message.role == .assistant
            if let last = turns.last, last.isAssistant == isAssistant {
                turns[turns.count - 1].texts.append(message.content)
            } else {
                turns.append(Turn(isAssistant: isAssistant, texts: [message.content]))
            }
        }
        return turns
    }
}
