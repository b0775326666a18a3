import SwitchyardCore
import Synchronization

/// A deterministic provider for demos, load tests and the embedded default: it answers with a short echo of the
/// last user message and reports word counts as usage.
///
/// It can be told, by configuration only, to add latency and to fail a fraction of requests. Failures are
/// deterministic: with `failureRate` r, request n fails when ⌊n·r⌋ > ⌊(n−1)·r⌋, so exactly r of every 1/r requests
/// fail, evenly spread. Failures are `overloaded` (HTTP 503 on a real provider), so fallbacks engage.
public final class MockProvider: ChatProvider {
    public struct Settings: Sendable, Equatable {
        public var latency: Duration
        public var failureRate: Double
        public var streamChunkDelay: Duration

        /// - Parameters:
        ///   - latency: Delay before answering (before the first token when streaming).
        ///   - failureRate: Fraction of requests that fail, 0 to 1.
        ///   - streamChunkDelay: Delay between streamed words.
        public init(latency: Duration = .zero, failureRate: Double = 0, streamChunkDelay: Duration = .zero) {
            self.latency = latency
            self.failureRate = min(max(failureRate, 0), 1)
            self.streamChunkDelay = streamChunkDelay
        }
    }

    public let id: String
    public let settings: Settings
    private let counter = Atomic<Int>(0)

    /// - Parameters:
    ///   - id: The provider id (usually `mock`).
    ///   - settings: Latency and failure rate.
    public init(id: String = "mock", settings: Settings = .init()) {
        self.id = id
        self.settings = settings
    }

    /// The answer the mock gives to a request.
    /// - Parameter request: The request.
    /// - Returns: The answer text.
    public static func answer(to request: ProviderRequest) -> String {
        let last = request.messages.last { $0.role == .user }?.content ?? ""
        let words = last.split(whereSeparator: \.isWhitespace).prefix(12).joined(separator: " ")
        return words.isEmpty ? "Hello from the mock provider." : "Mock reply to: \(words)"
    }

    /// The usage the mock reports for a request and an answer.
    static func usage(_ request: ProviderRequest, answer: String) -> Usage {
        let prompt = ([request.systemInstruction ?? ""] + request.messages.map(\.content)).reduce(0) { $0 + words($1) }
        return Usage(promptTokens: prompt, completionTokens: words(answer))
    }

    /// Counts runs of non-whitespace ASCII-delimited bytes: a cheap stand-in for a tokenizer.
    static func words(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for byte in text.utf8 {
            let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if !isSpace, !inWord { count += 1 }
            inWord = !isSpace
        }
        return count
    }

    private func shouldFail() -> Bool {
        let n = counter.add(1, ordering: .relaxed).newValue
        guard settings.failureRate > 0 else { return false }
        return Int(Double(n) * settings.failureRate) > Int(Double(n - 1) * settings.failureRate)
    }

    private func wait(_ delay: Duration, within timeout: Duration) async throws {
        guard delay > .zero else { return }
        if delay > timeout {
            try await Task.sleep(for: timeout)
            throw ProviderFailure(.timeout, detail: "mock latency exceeds the attempt timeout")
        }
        try await Task.sleep(for: delay)
    }

    public func complete(_ request: ProviderRequest, timeout: Duration) async throws -> GenerationResult {
        try await wait(settings.latency, within: timeout)
        if shouldFail() { throw ProviderFailure(.overloaded, status: 503, detail: "mock failure") }
        let text = Self.answer(to: request)
        return GenerationResult(
            text: text, finishReason: .stop, usage: Self.usage(request, answer: text), servedModel: request.model)
    }

    public func stream(_ request: ProviderRequest, timeout: Duration) async throws -> ProviderEventStream {
        try await wait(settings.latency, within: timeout)
        if shouldFail() { throw ProviderFailure(.overloaded, status: 503, detail: "mock failure") }
        let text = Self.answer(to: request)
        let usage = Self.usage(request, answer: text)
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        let chunkDelay = settings.streamChunkDelay
        return ProviderEventStream { continuation in
            let task = Task {
                for (index, word) in words.enumerated() {
                    if index > 0, chunkDelay > .zero { try? await Task.sleep(for: chunkDelay) }
                    continuation.yield(.delta(index == 0 ? String(word) : " " + word))
                }
                continuation.yield(.finish(.stop))
                continuation.yield(.usage(usage))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
