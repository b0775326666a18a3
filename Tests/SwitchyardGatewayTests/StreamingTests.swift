import Foundation
import HTTPTypes
import HummingbirdTesting
import SwitchyardCore
import SwitchyardProviders
import SwitchyardServer
import SwitchyardTesting
import Testing

/// Streams through `POST /v1/chat/completions`: the commit point, fallback before it, a typed error after it.
@Suite struct StreamingTests {
    /// An OpenRouter primary and a Mistral fallback, behind the route `chain`.
    func withChain(
        _ body: @Sendable (any TestClientProtocol, FakeOpenAIUpstream, FakeOpenAIUpstream) async throws -> Void
    ) async throws {
        try await GatewayHarness.withChain(
            primary: .init(fake: .openrouter, flavor: .openrouter, model: "deepseek/deepseek-chat-v3.1"),
            fallback: .init(fake: .mistral, flavor: .mistral, model: "mistral-small-latest"), body)
    }

    @Test func aStreamFollowsOpenAIsChunkFormat() async throws {
        try await withChain { client, primary, _ in
            await primary.state.enqueue(.success("alpha beta gamma"))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain", stream: true))
            #expect(response.status == 200)
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(response.streamedText == "alpha beta gamma")
            #expect(response.events.last == "[DONE]")
            let chunks = response.events.dropLast().compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(Set(chunks.compactMap { $0["id"] as? String }).count == 1)
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            let usageChunk = try #require(chunks.last)
            #expect((usageChunk["choices"] as? [Any])?.isEmpty == true)
            #expect((usageChunk["usage"] as? [String: Any])?["completion_tokens"] as? Int == 3)
            let first = try #require(chunks.first?["choices"] as? [[String: Any]])
            #expect((first.first?["delta"] as? [String: Any])?["role"] as? String == "assistant")
        }
    }

    @Test func aFailureBeforeTheFirstTokenFallsBackInvisibly() async throws {
        try await withChain { client, primary, fallback in
            await primary.state.enqueue(
                .raw(status: 503, body: OpenAIBytes.openRouterError(code: 503, message: "No available providers")))
            await fallback.state.enqueue(.success("served by mistral"))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain", stream: true))
            #expect(response.status == 200)
            #expect(response.streamedText == "served by mistral")
            #expect(!response.body.contains("error"))
            #expect(response.headers[.init("x-switchyard-attempts")!] == "2")
            #expect(response.events.last == "[DONE]")
        }
    }

    @Test func anInBandErrorBeforeTheFirstTokenFallsBackToo() async throws {
        try await withChain { client, primary, fallback in
            await primary.state.enqueue(
                .streamError(afterChunks: 0, data: #"{"error":{"code":429,"message":"Rate limit exceeded"}}"#))
            await fallback.state.enqueue(.success("second try"))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain", stream: true))
            #expect(response.streamedText == "second try")
        }
    }

    @Test func aSlowFirstTokenFallsBack() async throws {
        try await withChain { client, primary, fallback in
            await primary.state.enqueue(.delayed(.seconds(3), .success("never")))
            await fallback.state.enqueue(.success("fast one"))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain", stream: true))
            #expect(response.streamedText == "fast one")
        }
    }

    @Test func aFailureAfterTheFirstTokenEndsWithATypedErrorAndUsage() async throws {
        try await withChain { client, primary, fallback in
            await primary.state.enqueue(.streamCut(afterChunks: 2))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain", stream: true))
            #expect(response.status == 200)
            #expect(response.streamedText == "one two")
            #expect(!response.events.contains("[DONE]"))
            let last = try #require(response.events.last)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            let error = try #require(object["error"] as? [String: Any])
            #expect(error["code"] as? String == "stream_interrupted_transport")
            let usage = try #require(object["usage"] as? [String: Any])
            #expect((usage["completion_tokens"] as? Int ?? 0) > 0, "streamed spend is never recorded as zero")
            #expect(await fallback.state.requestCount == 0)
        }
    }

    @Test func everyStreamFailingBeforeCommitIsAnOrdinaryError() async throws {
        try await withChain { client, primary, fallback in
            await primary.state.enqueue(
                .raw(status: 502, body: OpenAIBytes.openRouterError(code: 502, message: "down")))
            await fallback.state.enqueue(
                .raw(
                    status: 500,
                    body: #"{"object":"error","message":"Internal","type":"internal_error","param":null,"code":null}"#))
            let response = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: GatewayHarness.chat(model: "chain", stream: true))
            #expect(response.status == 502)
            #expect(response.headers[.contentType] == "application/json")
        }
    }
}
