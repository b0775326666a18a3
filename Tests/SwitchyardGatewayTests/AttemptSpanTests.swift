import HummingbirdTesting
import InMemoryTracing
import SwitchyardCore
import SwitchyardGateway
import SwitchyardHTTP
import Testing
import Tracing

/// The gateway's attempt spans, recorded in memory: names and GenAI attributes, a stream's span ended with the
/// stream (usage, finish reason, time of the first token), and content only when switched on.
@Suite struct AttemptSpanTests {
    func run(
        content: Bool, _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws
        -> [FinishedInMemorySpan]
    {
        let tracer = InMemoryTracer()
        try await GatewayHarness.withGateway(
            GatewayHarness.settings(providers: [], gateway: CostTests.settings),
            tracing: TraceSettings(tracer: tracer, recordsContent: content)
        ) { client, _ in try await body(client) }
        return tracer.finishedSpans
    }

    @Test func aStreamsSpanEndsWithTheStream() async throws {
        let spans = try await run(content: false) { client in
            let reply = try await GatewayHarness.post(
                client, "/v1/chat/completions",
                json:
                    #"{"model":"mock/priced","stream":true,"temperature":0.5,"top_p":0.9,"max_tokens":64,"user":"u-1","messages":[{"role":"user","content":"a private question"}]}"#
            )
            #expect(reply.status == 200)
        }
        let span = try #require(spans.first { $0.operationName == "chat priced" })
        #expect(span.kind == .client)
        #expect(span.attributes["gen_ai.operation.name"]?.toSpanAttribute() == .string("chat"))
        #expect(span.attributes["gen_ai.provider.name"]?.toSpanAttribute() == .string("mock"))
        #expect(span.attributes["gen_ai.request.model"]?.toSpanAttribute() == .string("priced"))
        #expect(span.attributes["gen_ai.response.model"]?.toSpanAttribute() == .string("priced"))
        #expect(span.attributes["gen_ai.request.temperature"]?.toSpanAttribute() == .double(0.5))
        #expect(span.attributes["gen_ai.request.top_p"]?.toSpanAttribute() == .double(0.9))
        #expect(span.attributes["gen_ai.request.max_tokens"]?.toSpanAttribute() == .int64(64))
        #expect(span.attributes["gen_ai.request.stream"]?.toSpanAttribute() == .bool(true))
        #expect(span.attributes["langfuse.user.id"]?.toSpanAttribute() == .string("u-1"))
        #expect(span.attributes["gen_ai.response.finish_reasons"]?.toSpanAttribute() == .stringArray(["stop"]))
        guard case .int64(let input) = span.attributes["gen_ai.usage.input_tokens"]?.toSpanAttribute(),
            case .int64(let output) = span.attributes["gen_ai.usage.output_tokens"]?.toSpanAttribute(),
            case .double(let cost) = span.attributes["gen_ai.usage.cost"]?.toSpanAttribute()
        else {
            Issue.record("usage and cost missing: \(span.attributes)")
            return
        }
        #expect(input > 0 && output > 0)
        // $1 and $2 per million tokens.
        #expect(abs(cost - (Double(input) * 1e-6 + Double(output) * 2e-6)) < 1e-12)
        guard
            case .string(let firstToken) = span.attributes["langfuse.observation.completion_start_time"]?
                .toSpanAttribute()
        else {
            Issue.record("no completion start time")
            return
        }
        #expect(firstToken.hasSuffix("Z") && firstToken.contains("T"))
        #expect(span.attributes["langfuse.observation.input"] == nil, "no prompt unless switched on")
        #expect(span.attributes["error.type"] == nil)
    }

    @Test func contentIsRecordedOnlyWhenSwitchedOn() async throws {
        let spans = try await run(content: true) { client in
            let reply = try await GatewayHarness.post(
                client, "/v1/generate/",
                json:
                    #"{"provider":"mock","model":"priced","system_instruction":"Be brief.","messages":[{"role":"user","content":"a private question"}]}"#
            )
            #expect(reply.status == 200)
        }
        let span = try #require(spans.first { $0.operationName == "chat priced" })
        guard case .string(let input) = span.attributes["langfuse.observation.input"]?.toSpanAttribute(),
            case .string(let output) = span.attributes["langfuse.observation.output"]?.toSpanAttribute()
        else {
            Issue.record("content missing: \(span.attributes)")
            return
        }
        #expect(input.contains("a private question") && input.contains("Be brief."))
        #expect(!output.isEmpty)
    }
}
