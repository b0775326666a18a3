import AsyncHTTPClient
import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

/// The OpenAI-family adapter against fakes that check requests like the real providers and answer their bytes.
@Suite struct OpenAICompatibleProviderTests {
    static let pairs: [(FakeOpenAIUpstream.Flavor, OpenAIFlavor)] = [
        (.openai, .openai), (.groq, .groq), (.openrouter, .openrouter), (.byteplus, .byteplus),
        (.mistral, .mistral), (.compatible, .openaiCompatible),
    ]

    let request = ProviderRequest(
        model: "some-model", systemInstruction: "Answer briefly.",
        messages: [ChatMessage(role: .user, content: "Say hello")],
        sampling: SamplingParameters(temperature: 0.2, topP: 0.9, topK: 20, maxTokens: 32, seed: 3), user: "u-1")

    func provider(_ flavor: OpenAIFlavor, baseURL: String, key: String = "sk-test-key") -> OpenAICompatibleProvider {
        OpenAICompatibleProvider(
            id: flavor.rawValue, flavor: flavor, baseURL: baseURL, apiKey: Secret(key),
            transport: HTTPTransport(client: .shared))
    }

    @Test(arguments: pairs)
    func completesAgainstEachMember(fake: FakeOpenAIUpstream.Flavor, flavor: OpenAIFlavor) async throws {
        let upstream = FakeOpenAIUpstream(flavor: fake)
        await upstream.state.enqueue(.success("Hello there friend"))
        let result = try await upstream.run { base in
            try await provider(flavor, baseURL: base).complete(request, timeout: .seconds(5))
        }
        #expect(result.text == "Hello there friend")
        #expect(result.usage == Usage(promptTokens: 11, completionTokens: 3))
        let recorded = try #require(await upstream.state.requests.first)
        #expect(recorded.headers["authorization"] == "Bearer sk-test-key")
        let messages = try #require(recorded.json?["messages"] as? [[String: Any]])
        #expect(messages.first?["role"] as? String == "system")
    }

    @Test(arguments: pairs)
    func streamsAgainstEachMember(fake: FakeOpenAIUpstream.Flavor, flavor: OpenAIFlavor) async throws {
        let upstream = FakeOpenAIUpstream(flavor: fake)
        await upstream.state.enqueue(.success("one two three"))
        let events = try await upstream.run { base in
            var events: [StreamEvent] = []
            for try await event in try await provider(flavor, baseURL: base).stream(request, timeout: .seconds(5)) {
                events.append(event)
            }
            return events
        }
        let text = events.compactMap { if case .delta(let t) = $0 { t } else { nil } }.joined()
        #expect(text == "one two three")
        #expect(events.contains(.finish(.stop)))
        #expect(events.last == .usage(Usage(promptTokens: 11, completionTokens: 3)))
    }

    @Test func aWrongKeyIsAnAuthFailure() async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        let failure = try await upstream.run { base in
            await #expect(throws: ProviderFailure.self) {
                try await provider(.openai, baseURL: base, key: "sk-wrong").complete(request, timeout: .seconds(5))
            }
        }
        #expect(failure?.kind == .auth)
        #expect(failure?.status == 401)
    }

    @Test func rateLimitsCarryRetryAfter() async throws {
        let upstream = FakeOpenAIUpstream(flavor: .groq)
        await upstream.state.enqueue(
            .raw(
                status: 429,
                body: #"{"error":{"message":"Rate limit reached","type":"tokens","code":"rate_limit_exceeded"}}"#,
                headers: ["retry-after": "2"]))
        let failure = try await upstream.run { base in
            await #expect(throws: ProviderFailure.self) {
                try await provider(.groq, baseURL: base).complete(request, timeout: .seconds(5))
            }
        }
        #expect(failure?.kind == .rateLimited)
        #expect(failure?.retryAfter == .seconds(2))
    }

    @Test func aDroppedConnectionIsATransportFailure() async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        await upstream.state.enqueue(.drop)
        let failure = try await upstream.run { base in
            await #expect(throws: ProviderFailure.self) {
                try await provider(.openai, baseURL: base).complete(request, timeout: .seconds(5))
            }
        }
        #expect(failure?.kind == .transport)
    }

    @Test func aSlowAnswerTimesOut() async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        await upstream.state.enqueue(.delayed(.seconds(2), .success("late")))
        let failure = try await upstream.run { base in
            await #expect(throws: ProviderFailure.self) {
                try await provider(.openai, baseURL: base).complete(request, timeout: .milliseconds(200))
            }
        }
        #expect(failure?.kind == .timeout)
    }

    @Test func nothingListeningIsATransportFailure() async throws {
        let failure = await #expect(throws: ProviderFailure.self) {
            try await provider(.openai, baseURL: "http://127.0.0.1:9/v1").complete(request, timeout: .seconds(2))
        }
        #expect(failure?.kind == .transport)
    }

    @Test func aStreamCutMidwayThrowsAfterItsContent() async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        await upstream.state.enqueue(.streamCut(afterChunks: 2))
        let (events, failure) = try await upstream.run { base in
            var events: [StreamEvent] = []
            do {
                for try await event in try await provider(.openai, baseURL: base).stream(request, timeout: .seconds(5))
                {
                    events.append(event)
                }
                return (events, nil as ProviderFailure?)
            } catch let failure as ProviderFailure {
                return (events, failure)
            }
        }
        #expect(events == [.delta("one"), .delta(" two")])
        #expect(failure?.kind == .transport)
    }

    @Test func anInBandStreamErrorIsClassified() async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openrouter)
        await upstream.state.enqueue(
            .streamError(
                afterChunks: 1,
                data:
                    #"{"id":"x","object":"chat.completion.chunk","error":{"code":502,"message":"Provider disconnected"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}"#
            ))
        let failure = try await upstream.run { base in
            await #expect(throws: ProviderFailure.self) {
                for try await _ in try await provider(.openrouter, baseURL: base).stream(request, timeout: .seconds(5))
                {}
            }
        }
        #expect(failure?.kind == .upstream5xx)
    }

    @Test func mistralsStrictValidationIsRespected() async throws {
        let upstream = FakeOpenAIUpstream(flavor: .mistral)
        let count = try await upstream.run { base in
            var count = 0
            for try await _ in try await provider(.mistral, baseURL: base).stream(request, timeout: .seconds(5)) {
                count += 1
            }
            return count
        }
        #expect(count > 0)
        let body = try #require(await upstream.state.requests.first?.json)
        #expect(body["stream_options"] == nil)
        #expect(body["random_seed"] as? Int == 3)
    }
}

/// Error answers of the real OpenAI bytes, through the adapter.
@Suite struct OpenAICompatibleProviderErrorTests {
    static let cases: [(Int, String, [String: String], ProviderFailure.Kind, Duration?)] = [
        (
            400, OpenAIBytes.openAIError(message: "Invalid value", type: "invalid_request_error", code: nil), [:],
            .invalidRequest, nil
        ),
        (
            401,
            OpenAIBytes.openAIError(
                message: "Incorrect API key", type: "invalid_request_error", code: "invalid_api_key"), [:], .auth, nil
        ),
        (
            404,
            OpenAIBytes.openAIError(
                message: "The model `x` does not exist", type: "invalid_request_error", code: "model_not_found"), [:],
            .notFound, nil
        ),
        (
            429, OpenAIBytes.openAIError(message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded"),
            [:], .rateLimited, nil
        ),
        (
            429, OpenAIBytes.openAIError(message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded"),
            ["retry-after": "4"], .rateLimited, .seconds(4)
        ),
        (
            500, OpenAIBytes.openAIError(message: "The server had an error", type: "server_error", code: nil), [:],
            .upstream5xx, nil
        ),
        (503, OpenAIBytes.openAIError(message: "Slow Down", type: "server_error", code: nil), [:], .overloaded, nil),
    ]

    @Test(arguments: cases)
    func classifiedThroughTheAdapter(
        status: Int, body: String, headers: [String: String], kind: ProviderFailure.Kind, retryAfter: Duration?
    ) async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        await upstream.state.enqueue(.raw(status: status, body: body, headers: headers))
        let failure = try await upstream.run { base in
            await #expect(throws: ProviderFailure.self) {
                try await OpenAICompatibleProvider(
                    id: "openai", flavor: .openai, baseURL: base, apiKey: Secret("sk-test-key"),
                    transport: HTTPTransport(client: .shared)
                ).complete(
                    ProviderRequest(model: "m", messages: [.init(role: .user, content: "x")]), timeout: .seconds(5))
            }
        }
        #expect(failure?.kind == kind)
        #expect(failure?.status == status)
        #expect(failure?.retryAfter == retryAfter)
    }
}
