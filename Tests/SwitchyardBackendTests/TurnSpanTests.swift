import HTTPTypes
import InMemoryTracing
import SwitchyardCore
import SwitchyardHTTP
import Testing
import Tracing

/// A chat turn's span and its children, with the gateway in process: the prompt render, each attempt and the
/// database commit, in one trace; a failed turn's span says why; a streamed turn's span ends once it is stored.
@Suite struct TurnSpanTests {
    static func string(_ span: FinishedInMemorySpan, _ key: String) -> String? {
        if case .string(let value) = span.attributes[key]?.toSpanAttribute() { return value }
        return nil
    }

    func children(of parent: FinishedInMemorySpan, in spans: [FinishedInMemorySpan]) -> [String] {
        spans.filter { $0.parentSpanID == parent.spanID && $0.traceID == parent.traceID }.map(\.operationName).sorted()
    }

    @Test(arguments: [false, true]) func aTurnIsOneSpanWithItsSteps(streamed: Bool) async throws {
        let tracer = InMemoryTracer()
        let routing = RoutingTable(universalFallback: Target(provider: "mock", model: "m-1"))
        try await BackendHarness.run(routing: routing, tracing: TraceSettings(tracer: tracer)) { harness in
            let (slug, _) = try await harness.launchBot(name: "Traced \(streamed)", provider: "broken")
            // The broken primary fails; the universal fallback (mock) answers.
            let reply = try await harness.user(
                "span-user", .post, "/v1/bots/\(slug)/chat",
                json: #"{"message":"what is my secret plan?","stream":\#(streamed)}"#)
            #expect(reply.status == 200)
        }
        let spans = tracer.finishedSpans
        let turn = try #require(spans.first { $0.operationName == "chat turn" })
        #expect(Self.string(turn, "langfuse.trace.name")?.hasPrefix("chat traced-") == true)
        #expect(Self.string(turn, "langfuse.session.id") != nil)
        #expect(Self.string(turn, "langfuse.user.id") != nil)
        #expect(Self.string(turn, "langfuse.trace.input") == nil, "no message unless content tracing is on")
        let steps = children(of: turn, in: spans)
        #expect(steps.contains("prompt render"))
        #expect(steps.contains("database commit"))
        #expect(steps.filter { $0.hasPrefix("chat ") }.count == 2, "\(steps)")
        let failed = try #require(spans.first { Self.string($0, "gen_ai.provider.name") == "broken" })
        #expect(Self.string(failed, "error.type") == "overloaded")
        #expect(failed.status?.code == .error)
        #expect(turn.endInstant.nanosecondsSinceEpoch >= spans.map(\.endInstant.nanosecondsSinceEpoch).max()!)
    }

    @Test func aFailedTurnsSpanSaysWhy() async throws {
        let tracer = InMemoryTracer()
        try await BackendHarness.run(
            tracing: TraceSettings(tracer: tracer, recordsContent: true)
        ) { harness in
            let (slug, _) = try await harness.launchBot(name: "Failing", provider: "broken")
            let reply = try await harness.user(
                "span-user", .post, "/v1/bots/\(slug)/chat", json: #"{"message":"hello"}"#)
            #expect(reply.status >= 500)
        }
        let turn = try #require(tracer.finishedSpans.first { $0.operationName == "chat turn" })
        #expect(turn.status?.code == .error)
        #expect(Self.string(turn, "error.type") != nil)
        #expect(Self.string(turn, "langfuse.trace.input") == "hello")
        #expect(
            children(of: turn, in: tracer.finishedSpans).contains("database commit"), "its attempts were recorded")
    }
}
