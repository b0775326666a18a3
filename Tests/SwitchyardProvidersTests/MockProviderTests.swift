import SwitchyardCore
import SwitchyardProviders
import Testing

@Suite struct MockProviderTests {
    let request = ProviderRequest(
        model: "echo", systemInstruction: "one two", messages: [ChatMessage(role: .user, content: "hello big world")])

    @Test func answersDeterministicallyWithUsage() async throws {
        let result = try await MockProvider().complete(request, timeout: .seconds(1))
        #expect(result.text == "Mock reply to: hello big world")
        #expect(result.usage == Usage(promptTokens: 5, completionTokens: 6))
    }

    @Test func failsExactlyAtTheConfiguredRate() async throws {
        let mock = MockProvider(settings: .init(failureRate: 0.25))
        var failures = 0
        for _ in 0..<40 {
            do { _ = try await mock.complete(request, timeout: .seconds(1)) } catch let failure as ProviderFailure {
                #expect(failure.kind == .overloaded)
                failures += 1
            }
        }
        #expect(failures == 10)
    }

    @Test func latencyLongerThanTheTimeoutIsATimeout() async throws {
        let mock = MockProvider(settings: .init(latency: .seconds(5)))
        let failure = await #expect(throws: ProviderFailure.self) {
            try await mock.complete(request, timeout: .milliseconds(50))
        }
        #expect(failure?.kind == .timeout)
    }

    @Test func streamsTheSameAnswerWordByWord() async throws {
        var text = ""
        var events: [StreamEvent] = []
        for try await event in try await MockProvider().stream(request, timeout: .seconds(1)) {
            events.append(event)
            if case .delta(let piece) = event { text += piece }
        }
        #expect(text == "Mock reply to: hello big world")
        #expect(events.suffix(2) == [.finish(.stop), .usage(Usage(promptTokens: 5, completionTokens: 6))])
    }
}
