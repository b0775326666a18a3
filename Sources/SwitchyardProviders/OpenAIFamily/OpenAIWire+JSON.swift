import SwitchyardCore

// The OpenAI wire types on the hot path, written and read without Codable: a request is written field by field, and
// an answer or a stream chunk is read in one pass by ``JSONReader``. Reading is a fast path only: whatever it does
// not expect (a wrong type, an in-band `error` in a chunk) makes it throw, and the caller falls back to
// `JSONDecoder` and the classifier, which judge the body as before.

extension OpenAIWire.Request {
    /// The request as JSON: fields left nil are left out, as `Encodable` would leave them.
    func json() -> [UInt8] {
        var writer = JSONWriter(capacity: 192 + messages.reduce(0) { $0 + $1.content.utf8.count + 32 })
        writer.raw("{")
        writer.key("model")
        writer.string(model)
        writer.comma()
        writer.key("messages")
        writer.raw("[")
        for (index, message) in messages.enumerated() {
            if index > 0 { writer.comma() }
            writer.raw("{")
            writer.key("role")
            writer.string(message.role)
            writer.comma()
            writer.key("content")
            writer.string(message.content)
            writer.raw("}")
        }
        writer.raw("]")
        if let temperature { writer.field("temperature") { $0.double(temperature) } }
        if let topP { writer.field("top_p") { $0.double(topP) } }
        if let topK { writer.field("top_k") { $0.int(topK) } }
        if let maxTokens { writer.field("max_tokens") { $0.int(maxTokens) } }
        if let maxCompletionTokens { writer.field("max_completion_tokens") { $0.int(maxCompletionTokens) } }
        if let stop {
            writer.field("stop") { writer in
                writer.raw("[")
                for (index, text) in stop.enumerated() {
                    if index > 0 { writer.comma() }
                    writer.string(text)
                }
                writer.raw("]")
            }
        }
        if let seed { writer.field("seed") { $0.int(seed) } }
        if let randomSeed { writer.field("random_seed") { $0.int(randomSeed) } }
        if let user { writer.field("user") { $0.string(user) } }
        if let stream { writer.field("stream") { $0.bool(stream) } }
        if let streamOptions {
            writer.field("stream_options") { writer in
                writer.raw("{")
                writer.key("include_usage")
                writer.bool(streamOptions.includeUsage)
                writer.raw("}")
            }
        }
        writer.raw("}")
        return writer.bytes
    }
}

extension JSONWriter {
    /// Appends `,"name":` and the value that `value` writes.
    fileprivate mutating func field(_ name: StaticString, _ value: (inout JSONWriter) -> Void) {
        comma()
        key(name)
        value(&self)
    }
}

extension OpenAIWire.Completion {
    /// Reads a completion in one pass.
    /// - Throws: ``JSONReader/Malformed`` for anything but a well-typed completion.
    static func read(_ bytes: UnsafeRawBufferPointer) throws -> Self {
        try JSONReader.read(bytes) { reader in
            var model: String?
            var choices: [Choice]?
            var usage: OpenAIWire.Usage?
            try reader.readObject { reader, key in
                switch key {
                case "model": model = try reader.readOptionalString()
                case "choices": choices = try Choice.readAll(&reader)
                case "usage": usage = try OpenAIWire.Usage.readOptional(&reader)
                default: try reader.skipValue()
                }
            }
            guard let choices else { throw JSONReader.Malformed(offset: reader.offset) }
            return Self(model: model, choices: choices, usage: usage)
        }
    }
}

extension OpenAIWire.Completion.Choice {
    fileprivate static func readAll(_ reader: inout JSONReader) throws -> [Self] {
        var choices: [Self] = []
        try reader.readArray { reader in
            var choice = Self()
            try reader.readObject { reader, key in
                switch key {
                case "message":
                    if reader.readNull() { break }
                    var message = Message()
                    try reader.readObject { reader, key in
                        switch key {
                        case "content": message.content = try reader.readOptionalString()
                        case "refusal": message.refusal = try reader.readOptionalString()
                        default: try reader.skipValue()
                        }
                    }
                    choice.message = message
                case "finish_reason": choice.finishReason = try reader.readOptionalString()
                default: try reader.skipValue()
                }
            }
            choices.append(choice)
        }
        return choices
    }
}

extension OpenAIWire.Chunk {
    /// Reads a stream chunk in one pass.
    /// - Throws: ``JSONReader/Malformed`` for anything but a well-typed chunk, and for a chunk with an `error`.
    static func read(_ text: String) throws -> Self {
        try JSONReader.read(text) { reader in
            var chunk = Self()
            try reader.readObject { reader, key in
                switch key {
                case "choices":
                    if reader.readNull() { break }
                    var choices: [Choice] = []
                    try reader.readArray { reader in choices.append(try Choice.read(&reader)) }
                    chunk.choices = choices
                case "usage": chunk.usage = try OpenAIWire.Usage.readOptional(&reader)
                case "x_groq":
                    if reader.readNull() { break }
                    let usage = try reader.readMember("usage") { try OpenAIWire.Usage.readOptional(&$0) }
                    chunk.xGroq = XGroq(usage: usage ?? nil)
                case "error":
                    // An in-band error: the slow path classifies it.
                    guard reader.readNull() else { throw JSONReader.Malformed(offset: reader.offset) }
                default: try reader.skipValue()
                }
            }
            return chunk
        }
    }
}

extension OpenAIWire.Chunk.Choice {
    fileprivate static func read(_ reader: inout JSONReader) throws -> Self {
        var choice = Self()
        try reader.readObject { reader, key in
            switch key {
            case "delta":
                if reader.readNull() { break }
                let content = try reader.readMember("content") { try $0.readOptionalString() }
                choice.delta = Delta(content: content ?? nil)
            case "finish_reason": choice.finishReason = try reader.readOptionalString()
            default: try reader.skipValue()
            }
        }
        return choice
    }
}

extension OpenAIWire.Usage {
    fileprivate static func readOptional(_ reader: inout JSONReader) throws -> Self? {
        if reader.readNull() { return nil }
        var usage = Self()
        try reader.readObject { reader, key in
            switch key {
            case "prompt_tokens": usage.promptTokens = try reader.readOptionalInt()
            case "completion_tokens": usage.completionTokens = try reader.readOptionalInt()
            case "total_tokens": usage.totalTokens = try reader.readOptionalInt()
            case "prompt_tokens_details":
                if reader.readNull() { break }
                let cached = try reader.readMember("cached_tokens") { try $0.readOptionalInt() }
                usage.promptTokensDetails = PromptTokensDetails(cachedTokens: cached ?? nil)
            default: try reader.skipValue()
            }
        }
        return usage
    }
}
