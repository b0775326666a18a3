import SwitchyardCore
import Testing

@testable import SwitchyardProviders

/// Each provider reports prompt-cache reads in its own way; every adapter turns them into `cachedPromptTokens`, a
/// part of `promptTokens`, so the price table bills them at the cached-input price. Bodies as the providers send them.
@Suite struct CachedTokenTests {
    /// OpenAI counts cached tokens inside `prompt_tokens`.
    @Test func openAI() throws {
        let wire = try WireJSON.decode(
            OpenAIWire.Usage.self,
            from:
                #"{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}"#
        )
        let usage = try #require(OpenAIMapping.usage(wire))
        #expect(usage == Usage(promptTokens: 2006, completionTokens: 300, totalTokens: 2306, cachedPromptTokens: 1920))
    }

    /// Anthropic leaves cache reads and writes out of `input_tokens`.
    @Test func anthropic() throws {
        let message = try WireJSON.decode(
            AnthropicWire.Message.self,
            from:
                #"{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":21,"cache_creation_input_tokens":188,"cache_read_input_tokens":1800,"output_tokens":393,"service_tier":"standard"}}"#
        )
        let usage = try AnthropicMapping.result(message).usage
        #expect(usage.promptTokens == 21 + 188 + 1800)
        #expect(usage.cachedPromptTokens == 1800)
        #expect(usage.completionTokens == 393)
    }

    /// The stream's `message_start` carries the cache fields; `message_delta` the output count.
    @Test func anthropicStream() throws {
        var state = AnthropicMapping.StreamState()
        _ = try AnthropicMapping.events(
            name: "message_start",
            data:
                #"{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"usage":{"input_tokens":10,"cache_read_input_tokens":90,"cache_creation_input_tokens":0,"output_tokens":1}}}"#,
            state: &state)
        let events = try #require(
            try AnthropicMapping.events(
                name: "message_delta",
                data:
                    #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"#,
                state: &state))
        #expect(events.contains(.usage(Usage(promptTokens: 100, completionTokens: 15, cachedPromptTokens: 90))))
    }

    /// Gemini counts `cachedContentTokenCount` inside `promptTokenCount`.
    @Test func gemini() throws {
        let response = try WireJSON.decode(
            GeminiWire.Response.self,
            from:
                #"{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":5000,"cachedContentTokenCount":4096,"candidatesTokenCount":20,"totalTokenCount":5020},"modelVersion":"gemini-2.5-flash"}"#
        )
        let usage = try #require(GeminiMapping.usage(response.usageMetadata))
        #expect(usage == Usage(promptTokens: 5000, completionTokens: 20, totalTokens: 5020, cachedPromptTokens: 4096))
    }

    /// Bedrock's Converse leaves cache reads and writes out of `inputTokens`.
    @Test func bedrock() throws {
        let wire = try WireJSON.decode(
            BedrockWire.Usage.self,
            from:
                #"{"inputTokens":12,"outputTokens":40,"totalTokens":1552,"cacheReadInputTokens":1500,"cacheWriteInputTokens":0}"#
        )
        let usage = try #require(BedrockMapping.usage(wire))
        #expect(usage == Usage(promptTokens: 1512, completionTokens: 40, totalTokens: 1552, cachedPromptTokens: 1500))
    }
}
