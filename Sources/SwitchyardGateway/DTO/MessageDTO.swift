import SwitchyardCore

/// A message as callers send it: `content` is a string or an array of text parts.
struct MessageDTO: Decodable, Sendable {
    var role: ChatRole
    var content: String

    private struct Part: Decodable {
        var type: String
        var text: String?
    }

    enum CodingKeys: String, CodingKey {
        case role, content
    }

    init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let roleText = try container.decode(String.self, forKey: .role)
        guard let role = ChatRole(rawValue: roleText) else {
            throw DecodingError.dataCorruptedError(
                forKey: .role, in: container,
                debugDescription:
                    "'\(roleText)' is not a role; use one of \(ChatRole.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        self.role = role
        if let text = try? container.decode(String.self, forKey: .content) {
            content = text
        } else if let parts = try? container.decode([Part].self, forKey: .content) {
            var texts: [String] = []
            for part in parts {
                guard part.type == "text", let text = part.text else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .content, in: container,
                        debugDescription: "content part of type '\(part.type)' is not supported; send text parts")
                }
                texts.append(text)
            }
            content = texts.joined(separator: "\n")
        } else if try container.decodeNil(forKey: .content) {
            throw DecodingError.dataCorruptedError(
                forKey: .content, in: container, debugDescription: "content must not be null")
        } else {
            throw DecodingError.dataCorruptedError(
                forKey: .content, in: container,
                debugDescription: "content must be a string or an array of text parts")
        }
    }

    var message: ChatMessage { ChatMessage(role: role, content: content) }
}

/// A string, or an array of strings (OpenAI's `stop`).
struct StringOrArray: Decodable, Sendable {
    var values: [String]

    init(values: [String]) {
        self.values = values
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(String.self) {
            values = [single]
        } else {
            values = try container.decode([String].self)
        }
    }
}

/// Splits system and developer messages off a conversation, into one system instruction.
enum SystemSplit {
    static func split(_ messages: [MessageDTO], explicit: String?) -> (String?, [ChatMessage]) {
        var system: [String] = explicit.map { [$0] } ?? []
        var rest: [ChatMessage] = []
        for message in messages {
            if message.role == .system || message.role == .developer {
                system.append(message.content)
            } else {
                rest.append(message.message)
            }
        }
        let joined = system.filter { !$0.isEmpty }.joined(separator: "\n\n")
        return (joined.isEmpty ? nil : joined, rest)
    }
}
