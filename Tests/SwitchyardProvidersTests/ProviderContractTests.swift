import AsyncHTTPClient
import Foundation
import SwitchyardCore
import SwitchyardProviders
import SwitchyardTesting
import Testing

/// The contract itself; the table of providers is in `ContractSubjects.swift`.
@Suite struct ProviderContractTests {
    let request = ProviderRequest(
        model: "contract-model", systemInstruction: "You are terse.",
        messages: [
            ChatMessage(role: .user, content: "Hi"), ChatMessage(role: .assistant, content: "Hello."),
            ChatMessage(role: .user, content: "Count to three"),
        ],
        sampling: SamplingParameters(temperature: 0.4, topP: 0.8, topK: 12, maxTokens: 77))

    @Test(arguments: ContractSubject.all)
    func nonStreamingWithUsage(subject: ContractSubject) async throws {
        try await subject.run { provider, state in
            await state.enqueue(.success("one two three"))
            let result = try await provider.complete(request, timeout: .seconds(5))
            #expect(result.text == "one two three")
            #expect(result.finishReason == .stop)
            #expect(result.usage == Usage(promptTokens: 11, completionTokens: 3))
        }
    }

    @Test(arguments: ContractSubject.all)
    func streamingWithUsage(subject: ContractSubject) async throws {
        try await subject.run { provider, state in
            await state.enqueue(.success("one two three"))
            var text = ""
            var finished = false
            var usage: Usage?
            for try await event in try await provider.stream(request, timeout: .seconds(5)) {
                switch event {
                case .delta(let piece): text += piece
                case .finish(let reason): finished = reason == .stop
                case .usage(let value): usage = value
                }
            }
            #expect(text == "one two three")
            #expect(finished)
            #expect(usage == Usage(promptTokens: 11, completionTokens: 3))
        }
    }

    @Test(arguments: ContractSubject.all)
    func systemInstructionAndSamplingParameters(subject: ContractSubject) async throws {
        try await subject.run { provider, state in
            _ = try await provider.complete(request, timeout: .seconds(5))
            let body = try #require(await state.requests.last?.json)
            #expect(subject.system(body) == "You are terse.")
            #expect(subject.temperature(body) == 0.4)
            #expect(subject.maxTokens(body) == 77)
            if let topK = subject.topK {
                #expect(topK(body) == 12)
            } else {
                // No key that names top-k at any depth (top_k, topK, top-k), and the value 12 nowhere.
                let pairs = Self.keyedValues(body)
                #expect(
                    !pairs.contains { Self.isTopKName($0.key) || ($0.value as? NSNumber)?.intValue == 12 },
                    "\(subject.name) has no top-k; the adapter must not send one")
            }
        }
    }

    @Test(arguments: ContractSubject.all)
    func everyErrorClassTheProviderHasIsClassified(subject: ContractSubject) async throws {
        for (kind, response) in subject.errors.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            try await subject.run { provider, state in
                await state.enqueue(response)
                let failure = await #expect(throws: ProviderFailure.self, "\(subject.name) \(kind)") {
                    try await provider.complete(request, timeout: .seconds(5))
                }
                #expect(failure?.kind == kind, "\(subject.name): expected \(kind), got \(String(describing: failure))")
                if kind == .rateLimited {
                    #expect(failure?.retryAfter == subject.rateLimitRetryAfter)
                }
            }
        }
        #expect(subject.errors.count >= 6, "the table must cover the provider's error classes")
    }

    @Test(arguments: ContractSubject.all)
    func aStreamCutAfterContentThrowsAfterDeliveringIt(subject: ContractSubject) async throws {
        try await subject.run { provider, state in
            await state.enqueue(.streamCut(afterChunks: 2))
            var text = ""
            let failure = await #expect(throws: ProviderFailure.self) {
                for try await event in try await provider.stream(request, timeout: .seconds(5)) {
                    if case .delta(let piece) = event { text += piece }
                }
            }
            #expect(text == "one two")
            #expect(failure?.kind == .transport)
        }
    }

    /// Every key and value of a JSON object, at any depth (array elements carry their parent's key).
    static func keyedValues(_ value: Any, key: String = "") -> [(key: String, value: Any)] {
        if let object = value as? [String: Any] {
            return object.flatMap { [($0.key, $0.value)] + keyedValues($0.value, key: $0.key) }
        }
        if let array = value as? [Any] {
            return array.flatMap { [(key, $0)] + keyedValues($0, key: key) }
        }
        return []
    }

    static func isTopKName(_ key: String) -> Bool {
        key.lowercased().filter(\.isLetter) == "topk"
    }
}
