import Foundation
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// The one-pass readers of answers and chunks are a fast path: where they read, they must read what `JSONDecoder`
/// reads; where the body is anything else, they must refuse it so that the decoder and the classifier judge it.
@Suite struct OpenAIWireJSONTests {
    static let completions = [
        #"{"id":"c","object":"chat.completion","model":"gpt-x","choices":[{"index":0,"message":{"role":"assistant","content":"Hi \"there\"\n","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":41,"completion_tokens":22,"total_tokens":63,"prompt_tokens_details":{"cached_tokens":8,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},"system_fingerprint":"fp"}"#,
        #"{"choices":[{"message":{"content":null,"refusal":"I can't"},"finish_reason":"stop"}]}"#,
        #"{"model":null,"choices":[],"usage":null}"#,
        #"{"choices":[{"message":null,"finish_reason":null}],"usage":{"prompt_tokens":1}}"#,
        #"{"choices":[{"index":0,"message":{"content":"é中🌙 \u00e9"},"finish_reason":"length"}],"extra":{"a":[1,2,{"b":null}]}}"#,
    ]

    @Test(arguments: completions)
    func completionsReadAsTheDecoderReadsThem(text: String) throws {
        let fast = try Array(text.utf8).withUnsafeBytes { try OpenAIWire.Completion.read($0) }
        let slow = try WireJSON.decode(OpenAIWire.Completion.self, from: text)
        #expect(fast.model == slow.model)
        #expect(fast.choices.count == slow.choices.count)
        if !slow.choices.isEmpty {
            #expect(try OpenAIMapping.result(fast) == OpenAIMapping.result(slow))
        }
        #expect(OpenAIMapping.usage(fast.usage) == OpenAIMapping.usage(slow.usage))
    }

    @Test(arguments: [
        #"{"choices":null}"#, #"{"model":"m"}"#, #"{"choices":[{"message":{"content":5}}]}"#,
        #"{"choices":[],"usage":{"prompt_tokens":1.5}}"#, #"{"choices":[]} trailing"#, "not json",
    ])
    func completionsOfAnotherShapeAreLeftToTheDecoder(text: String) {
        #expect(throws: JSONReader.Malformed.self) {
            try Array(text.utf8).withUnsafeBytes { try OpenAIWire.Completion.read($0) }
        }
    }

    static let chunks = [
        #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
        #"{"choices":[{"index":0,"delta":{"content":"Hel\u006co \"w\""},"finish_reason":null}]}"#,
        #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"r","usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}}"#,
        #"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"prompt_tokens_details":{"cached_tokens":3}}}"#,
        #"{"choices":null,"usage":null,"error":null}"#,
        #"{"choices":[{"delta":null,"finish_reason":"length"}]}"#,
    ]

    @Test(arguments: chunks)
    func chunksReadAsTheDecoderReadsThem(text: String) throws {
        let fast = try OpenAIWire.Chunk.read(text)
        let slow = try WireJSON.decode(OpenAIWire.Chunk.self, from: text)
        #expect(try OpenAIMapping.events(fast) == OpenAIMapping.events(slow))
    }

    @Test(arguments: [
        #"{"error":{"message":"Overloaded","type":"overloaded_error"}}"#,
        #"{"error":{"code":429},"choices":[{"delta":{},"finish_reason":"error"}]}"#,
        #"{"choices":[{"delta":{"content":["x"]}}]}"#, #"{"choices":{}}"#,
    ])
    func chunksWithAnErrorOrAnotherShapeAreLeftToTheClassifier(text: String) {
        #expect(throws: JSONReader.Malformed.self) { try OpenAIWire.Chunk.read(text) }
    }

    @Test func theWrittenRequestIsWhatTheFieldsSay() throws {
        var wire = OpenAIWire.Request(
            model: "gpt-4o-mini",
            messages: [.init(role: "system", content: "be \"brief\""), .init(role: "user", content: "hi\n🌙")])
        wire.temperature = 0.2
        wire.topP = 1
        wire.maxCompletionTokens = 64
        wire.stop = ["END", "\u{2028}"]
        wire.seed = -3
        wire.user = "u1"
        wire.stream = true
        wire.streamOptions = .init(includeUsage: true)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(wire.json())) as? [String: Any])
        #expect(json["model"] as? String == "gpt-4o-mini")
        let messages = try #require(json["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "be \"brief\""], ["role": "user", "content": "hi\n🌙"]])
        #expect(json["temperature"] as? Double == 0.2)
        #expect(json["top_p"] as? Double == 1)
        #expect(json["max_completion_tokens"] as? Int == 64)
        #expect(json["stop"] as? [String] == ["END", "\u{2028}"])
        #expect(json["seed"] as? Int == -3)
        #expect(json["user"] as? String == "u1")
        #expect(json["stream"] as? Bool == true)
        #expect((json["stream_options"] as? [String: Bool]) == ["include_usage": true])
        for absent in ["top_k", "max_tokens", "random_seed"] { #expect(json[absent] == nil) }
        let bare = OpenAIWire.Request(model: "m", messages: []).json()
        #expect(String(decoding: bare, as: UTF8.self) == #"{"model":"m","messages":[]}"#)
    }
}
