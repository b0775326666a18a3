import Foundation
import NIOCore
import NIOFoundationCompat
import SwitchyardCore
import Testing

@testable import SwitchyardProviders

@Suite struct OpenAIMappingTests {
    let request = ProviderRequest(
        model: "m", systemInstruction: "be brief",
        messages: [ChatMessage(role: .developer, content: "dev"), ChatMessage(role: .user, content: "hi")],
        sampling: SamplingParameters(temperature: 0.3, topP: 0.9, topK: 40, maxTokens: 64, stop: ["END"], seed: 7),
        user: "u1")

    func body(_ flavor: OpenAIFlavor, stream: Bool = false) throws -> [String: Any] {
        let bytes = OpenAIMapping.request(request, flavor: flavor, stream: stream).json()
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func openAIGetsMaxCompletionTokensAndNoTopK() throws {
        let json = try body(.openai, stream: true)
        #expect(json["max_completion_tokens"] as? Int == 64)
        #expect(json["max_tokens"] == nil)
        #expect(json["top_k"] == nil)
        #expect(json["seed"] as? Int == 7)
        #expect((json["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        let messages = try #require(json["messages"] as? [[String: String]])
        #expect(messages.map { $0["role"] } == ["system", "system", "user"])
        #expect(messages.first?["content"] == "be brief")
    }

    @Test func mistralGetsOnlyFieldsItAccepts() throws {
        let json = try body(.mistral, stream: true)
        #expect(json["max_tokens"] as? Int == 64)
        #expect(json["random_seed"] as? Int == 7)
        for field in ["seed", "user", "stream_options", "max_completion_tokens", "top_k"] {
            #expect(json[field] == nil, "\(field) must not reach Mistral")
        }
    }

    @Test func byteplusGetsOneTokenLimitAndOpenRouterGetsTopK() throws {
        let byteplus = try body(.byteplus)
        #expect(byteplus["max_tokens"] as? Int == 64)
        #expect(byteplus["max_completion_tokens"] == nil)
        #expect(try body(.openrouter)["top_k"] as? Int == 40)
        #expect(try body(.openaiCompatible)["top_k"] as? Int == 40)
    }

    @Test func completionMapping() throws {
        let completion = try WireJSON.decode(
            OpenAIWire.Completion.self,
            from:
                #"{"model":"gpt-x","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}"#
        )
        let result = try OpenAIMapping.result(completion)
        #expect(
            result
                == GenerationResult(
                    text: "Hi", finishReason: .length, usage: Usage(promptTokens: 3, completionTokens: 1),
                    servedModel: "gpt-x"))
    }

    @Test func anEmptyFilteredCompletionIsAContentFilterFailure() throws {
        let completion = try WireJSON.decode(
            OpenAIWire.Completion.self,
            from:
                #"{"choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"content_filter"}]}"#
        )
        #expect(throws: ProviderFailure(.contentFiltered, detail: "finish_reason content_filter with no content")) {
            try OpenAIMapping.result(completion)
        }
    }

    @Test func chunksMapToEventsIncludingGroqUsage() throws {
        #expect(
            try OpenAIMapping.events(
                fromChunk: #"{"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}"#) == [
                    .delta("Hel")
                ])
        #expect(
            try OpenAIMapping.events(
                fromChunk:
                    #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"r","usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}}"#
            ) == [.finish(.stop), .usage(Usage(promptTokens: 5, completionTokens: 2))])
        #expect(
            try OpenAIMapping.events(
                fromChunk: #"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"#) == [
                    .usage(Usage(promptTokens: 5, completionTokens: 2))
                ])
    }

    @Test func inBandErrorsAreClassified() {
        #expect(throws: ProviderFailure.self) {
            try OpenAIMapping.events(fromChunk: #"{"error":{"message":"Overloaded","type":"overloaded_error"}}"#)
        }
        do {
            _ = try OpenAIMapping.events(
                fromChunk:
                    #"{"error":{"code":429,"message":"Rate limit"},"choices":[{"index":0,"delta":{},"finish_reason":"error"}]}"#
            )
        } catch let failure as ProviderFailure {
            #expect(failure.kind == .rateLimited)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
