import SwitchyardCore
import SwitchyardGateway
import SwitchyardProviders
import Testing

/// A caller that leaves a stream says nothing about the provider: the stream ends without counting toward the
/// target's cooldown.
@Suite struct CallerLeftTests {
    /// Reads a stream in a task of its own and cancels that task after the first event (the caller leaves
    /// mid-stream, as the chat backend's task is cancelled when its client goes).
    static func leaveAfterTheFirstEvent(_ client: InProcessGatewayClient, _ request: GenerationRequest) async throws {
        let stream = try await client.stream(request)
        let (first, firstContinuation) = AsyncStream<Void>.makeStream()
        let reader = Task {
            for try await _ in stream.events { firstContinuation.yield() }
        }
        for await _ in first { break }
        reader.cancel()
        _ = await reader.result
    }

    @Test func streamsLeftByTheirCallersDoNotCoolTheTargetDown() async throws {
        var settings = GatewaySettings()
        // Two failures in a row would cool the target down.
        settings.cooldown = .init(minimumFailures: 2, failureRateThreshold: 0.5)
        let mock = MockProvider(settings: .init(streamChunkDelay: .milliseconds(200)))
        let service = GatewayService(
            registry: ProviderRegistry(providers: [mock], unavailable: [:]), routing: RoutingTable(),
            settings: settings)
        let client = InProcessGatewayClient(service: service)
        let request = GenerationRequest(
            provider: "mock", model: "echo-1",
            messages: [ChatMessage(role: .user, content: "a long enough question to stream for a while")])
        for _ in 0..<3 { try await Self.leaveAfterTheFirstEvent(client, request) }
        // The abandoned streams' ends are recorded by their pumps, once cancelled.
        try await Task.sleep(for: .milliseconds(300))
        let answer = try await client.generate(request)
        #expect(answer.attempts.map(\.outcome) == [.success], "the target was not cooled down")
    }
}
