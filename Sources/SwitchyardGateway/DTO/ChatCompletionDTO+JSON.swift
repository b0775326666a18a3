import SwitchyardCore
import SwitchyardHTTP

// `/v1/chat/completions` on the hot path, without Codable: the request is read in one pass (a fast path; anything it
// does not expect falls back to `JSONDecoder`, which words the 400), and the answer is written field by field in the
// shape the `Encodable` types describe.

extension ChatCompletionRequestDTO: JSONReadable {
    static func read(_ reader: inout JSONReader) throws -> Self {
        var model: String?
        var messages: [MessageDTO]?
        var dto = Self(model: "", messages: [])
        try reader.readObject { reader, key in
            switch key {
            case "model": model = try reader.readString()
            case "messages":
                var list: [MessageDTO] = []
                try reader.readArray { reader in list.append(try MessageDTO.read(&reader)) }
                messages = list
            case "temperature": dto.temperature = try reader.readOptionalDouble()
            case "top_p": dto.topP = try reader.readOptionalDouble()
            case "top_k": dto.topK = try reader.readOptionalInt()
            case "max_tokens": dto.maxTokens = try reader.readOptionalInt()
            case "max_completion_tokens": dto.maxCompletionTokens = try reader.readOptionalInt()
            case "stop": dto.stop = try StringOrArray.readOptional(&reader)
            case "seed": dto.seed = try reader.readOptionalInt()
            case "n": dto.n = try reader.readOptionalInt()
            case "stream": dto.stream = try reader.readOptionalBool()
            case "stream_options":
                if reader.readNull() { break }
                let includeUsage = try reader.readMember("include_usage") { try $0.readOptionalBool() }
                dto.streamOptions = StreamOptions(includeUsage: includeUsage ?? nil)
            case "user": dto.user = try reader.readOptionalString()
            case "tools":
                if reader.readNull() { break }
                var tools: [ToolPresence] = []
                try reader.readArray { reader in
                    try reader.skipValue()
                    tools.append(ToolPresence())
                }
                dto.tools = tools
            case "response_format":
                if reader.readNull() { break }
                guard let type = try reader.readMember("type", { try $0.readString() }) else {
                    throw JSONReader.Malformed(offset: reader.offset)
                }
                dto.responseFormat = ResponseFormat(type: type)
            default: try reader.skipValue()
            }
        }
        guard let model, let messages else { throw JSONReader.Malformed(offset: reader.offset) }
        dto.model = model
        dto.messages = messages
        return dto
    }
}

extension MessageDTO {
    /// Reads `{role, content}` where content is a string or text parts; anything else is left to the decoder.
    fileprivate static func read(_ reader: inout JSONReader) throws -> Self {
        var role: ChatRole?
        var content: String?
        try reader.readObject { reader, key in
            switch key {
            case "role":
                role = ChatRole(rawValue: try reader.readString())
                if role == nil { throw JSONReader.Malformed(offset: reader.offset) }
            case "content":
                if try reader.peekKind() == .string {
                    content = try reader.readString()
                } else {
                    var texts: [String] = []
                    try reader.readArray { reader in texts.append(try readTextPart(&reader)) }
                    content = texts.joined(separator: "\n")
                }
            default: try reader.skipValue()
            }
        }
        guard let role, let content else { throw JSONReader.Malformed(offset: reader.offset) }
        return Self(role: role, content: content)
    }

    private static func readTextPart(_ reader: inout JSONReader) throws -> String {
        var type: String?
        var text: String?
        try reader.readObject { reader, key in
            switch key {
            case "type": type = try reader.readString()
            case "text": text = try reader.readOptionalString()
            default: try reader.skipValue()
            }
        }
        guard type == "text", let text else { throw JSONReader.Malformed(offset: reader.offset) }
        return text
    }
}

extension StringOrArray {
    fileprivate static func readOptional(_ reader: inout JSONReader) throws -> Self? {
        switch try reader.peekKind() {
        case .null:
            _ = reader.readNull()
            return nil
        case .string:
            return Self(values: [try reader.readString()])
        default:
            var values: [String] = []
            try reader.readArray { reader in values.append(try reader.readString()) }
            return Self(values: values)
        }
    }
}

extension ChatCompletionResponseDTO {
    /// The answer as JSON, in the shape of its `Encodable` form.
    func json() -> [UInt8] {
        let message = choices.first?.message
        var writer = JSONWriter(capacity: 320 + (message?.content.utf8.count ?? 0))
        writer.raw("{")
        writer.key("id")
        writer.string(id)
        writer.raw(#","object":"chat.completion","created":"#)
        writer.int(created)
        writer.comma()
        writer.key("model")
        writer.string(model)
        writer.comma()
        writer.key("choices")
        writer.raw("[")
        for (index, choice) in choices.enumerated() {
            if index > 0 { writer.comma() }
            writer.raw(#"{"index":"#)
            writer.int(choice.index)
            writer.raw(#","message":{"role":"#)
            writer.string(choice.message.role)
            writer.comma()
            writer.key("content")
            writer.string(choice.message.content)
            writer.comma()
            writer.key("refusal")
            writer.string(choice.message.refusal)
            writer.raw(#"},"finish_reason":"#)
            writer.string(choice.finishReason)
            writer.raw(#","logprobs":null}"#)
        }
        writer.raw("],")
        writer.key("usage")
        usage.write(to: &writer)
        writer.raw("}")
        return writer.bytes
    }
}

extension CostedUsage {
    /// Writes OpenAI's `usage` object with `cost` in dollars (`null` when unpriced).
    func write(to writer: inout JSONWriter) {
        writer.raw(#"{"prompt_tokens":"#)
        writer.int(usage.promptTokens)
        writer.raw(#","completion_tokens":"#)
        writer.int(usage.completionTokens)
        writer.raw(#","total_tokens":"#)
        writer.int(usage.totalTokens)
        if usage.cachedPromptTokens > 0 {
            writer.raw(#","prompt_tokens_details":{"cached_tokens":"#)
            writer.int(usage.cachedPromptTokens)
            writer.raw("}")
        }
        writer.comma()
        writer.key("cost")
        if let cost { writer.raw(NanoDollars.decimalString(cost)) } else { writer.raw("null") }
        writer.raw("}")
    }
}
