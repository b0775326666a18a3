import Foundation
import HTTPTypes
import HummingbirdTesting
import SwitchyardCore
import SwitchyardGateway
import SwitchyardProviders
import SwitchyardTesting
import Testing

/// A route's opt-in sharing of non-streamed answers, counted by the fake upstream: `dedupe` (identical concurrent
/// requests of one service share one call) and `cache` (deterministic requests served from memory until the TTL).
@Suite struct SharingTests {
    static let target = Target(provider: "openai", model: "gpt-4o-mini")
    static let routing = RoutingTable(routes: [
        .init(name: "shared", targets: [target], dedupe: true),
        .init(name: "cached", targets: [target], cache: .init(ttlSeconds: 60)),
        .init(name: "plain", targets: [target]),
    ])

    func withSharingGateway(
        clock: ManualClock? = nil, gateway: GatewaySettings = GatewayHarness.fastSettings,
        _ body: @Sendable (any TestClientProtocol, FakeOpenAIUpstream) async throws -> Void
    ) async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        try await upstream.run { url in
            let settings = GatewayHarness.settings(
                providers: [GatewayHarness.openAIFamily("openai", flavor: .openai, baseURL: url)],
                routing: Self.routing, gateway: gateway)
            if let clock {
                try await GatewayHarness.withGateway(settings, clock: clock) { client, _ in
                    try await body(client, upstream)
                }
            } else {
                try await GatewayHarness.withGateway(settings) { client, _ in try await body(client, upstream) }
            }
        }
    }

    static func content(_ reply: TestResponse) -> String? {
        ((reply.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
    }

    static func body(
        _ model: String, temperature: Double? = nil, user: String? = nil, text: String = "hi", stream: Bool = false
    ) -> String {
        var fields = [#""model":"\#(model)""#, #""messages":[{"role":"user","content":"\#(text)"}]"#]
        if stream { fields.append(#""stream":true,"stream_options":{"include_usage":true}"#) }
        if let temperature { fields.append(#""temperature":\#(temperature)"#) }
        if let user { fields.append(#""user":"\#(user)""#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    @Test func identicalConcurrentRequestsShareOneUpstreamCall() async throws {
        try await withSharingGateway { client, upstream in
            await upstream.state.enqueue(.delayed(.milliseconds(300), .success("one answer for all")))
            let replies = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        try await GatewayHarness.post(client, "/v1/chat/completions", json: Self.body("shared"))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.map(\.status) == Array(repeating: 200, count: 5))
            #expect(Set(replies.map(Self.content)) == ["one answer for all"])
            #expect(await upstream.state.requestCount == 1, "five identical requests, one upstream call")
            // Another service never shares a call with this one; a route without `dedupe` never shares.
            let other = try await GatewayHarness.token(service: "other")
            await upstream.state.enqueue(
                .delayed(.milliseconds(200), .success("a")), .delayed(.milliseconds(200), .success("b")))
            async let mine = GatewayHarness.post(client, "/v1/chat/completions", json: Self.body("plain"))
            async let theirs = GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.body("plain"), token: other)
            #expect(try await [mine.status, theirs.status] == [200, 200])
            #expect(await upstream.state.requestCount == 3)
            let metrics = PrometheusText(try await GatewayHarness.get(client, "/metrics", token: nil).body)
            #expect(metrics.value(GatewayMetrics.deduplicatedTotal, ["route": "shared"]) == 4)
        }
    }

    @Test func deterministicAnswersComeFromTheCacheUntilTheyExpire() async throws {
        let clock = ManualClock()
        try await withSharingGateway(clock: clock) { client, upstream in
            let cache = HTTPField.Name("x-switchyard-cache")!
            let first = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.body("cached", temperature: 0))
            #expect(first.status == 200)
            #expect(first.headers[cache] == "miss")
            let second = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.body("cached", temperature: 0))
            #expect(second.headers[cache] == "hit")
            #expect(second.headers[HTTPField.Name("x-switchyard-attempts")!] == "0")
            #expect(Self.content(second) == Self.content(first) && Self.content(first) != nil)
            #expect(await upstream.state.requestCount == 1)

            // Not deterministic, or naming its end user: never cached.
            for body in [Self.body("cached", temperature: 0.7), Self.body("cached", temperature: 0, user: "ana")] {
                let reply = try await GatewayHarness.post(client, "/v1/chat/completions", json: body)
                #expect(reply.status == 200)
                #expect(reply.headers[cache] == nil)
            }
            #expect(await upstream.state.requestCount == 3)

            // A failure is not kept: the same request is sent upstream again.
            await upstream.state.enqueue(
                .raw(status: 500, body: OpenAIBytes.openAIError(message: "boom", type: "server_error", code: nil)))
            let failed = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.body("cached", temperature: 0, text: "other"))
            #expect(failed.status == 502)
            let retried = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.body("cached", temperature: 0, text: "other"))
            #expect(retried.status == 200)
            #expect(retried.headers[cache] == "miss")
            #expect(await upstream.state.requestCount == 5)

            clock.advance(by: .seconds(61))
            let expired = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.body("cached", temperature: 0))
            #expect(expired.headers[cache] == "miss")
            #expect(await upstream.state.requestCount == 6)
            let metrics = PrometheusText(try await GatewayHarness.get(client, "/metrics", token: nil).body)
            #expect(metrics.value(GatewayMetrics.cacheLookupsTotal, ["route": "cached", "result": "hit"]) == 1)
            #expect(metrics.value(GatewayMetrics.cacheLookupsTotal, ["route": "cached", "result": "miss"]) == 3)
        }
    }

    /// The `x-switchyard-cache` of a deterministic request to the caching route.
    static func cacheStatus(_ client: any TestClientProtocol, _ text: String) async throws -> String? {
        try await GatewayHarness.post(
            client, "/v1/chat/completions", json: Self.body("cached", temperature: 0, text: text)
        ).headers[HTTPField.Name("x-switchyard-cache")!]
    }

    @Test func aFullCacheDropsItsLeastRecentlyUsedAnswer() async throws {
        var gateway = GatewayHarness.fastSettings
        gateway.cacheMaximumEntries = 2
        try await withSharingGateway(gateway: gateway) { client, upstream in
            var statuses: [String?] = []
            for text in ["a", "b", "a", "c"] { statuses.append(try await Self.cacheStatus(client, text)) }
            // The second "a" makes it the most recently used, so "c" takes "b"'s place.
            #expect(statuses == ["miss", "miss", "hit", "miss"])
            #expect(await upstream.state.requestCount == 3)
            statuses = []
            for text in ["a", "c", "b"] { statuses.append(try await Self.cacheStatus(client, text)) }
            #expect(statuses == ["hit", "hit", "miss"], "b was dropped")
            #expect(await upstream.state.requestCount == 4)
        }
    }

    @Test func theCacheHoldsAtMostItsBytes() async throws {
        var gateway = GatewayHarness.fastSettings
        // Room for two entries of a 1,000-byte question, not three.
        gateway.cacheMaximumBytes = 3_500
        try await withSharingGateway(gateway: gateway) { client, upstream in
            let (a, b, c) = (
                String(repeating: "a", count: 1_000), String(repeating: "b", count: 1_000),
                String(repeating: "c", count: 1_000)
            )
            var statuses: [String?] = []
            for text in [a, b, c, c, b, a] { statuses.append(try await Self.cacheStatus(client, text)) }
            // The oldest, a, made room for c.
            #expect(statuses == ["miss", "miss", "miss", "hit", "hit", "miss"])
            #expect(await upstream.state.requestCount == 4)
        }
    }

    @Test func aStreamedAnswerIsKeptOnceItEndsWellAndServesStreamsAndPlainRequests() async throws {
        try await withSharingGateway { client, upstream in
            let cache = HTTPField.Name("x-switchyard-cache")!
            let attempts = HTTPField.Name("x-switchyard-attempts")!
            let streamed = Self.body("cached", temperature: 0, text: "s1", stream: true)
            let first = try await GatewayHarness.post(client, "/v1/chat/completions", json: streamed)
            #expect(first.headers[cache] == "miss")
            #expect(first.streamedText == "Hello from openai.")
            #expect(await upstream.state.requestCount == 1)
            // The kept answer serves a plain request...
            let plain = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.body("cached", temperature: 0, text: "s1"))
            #expect(plain.headers[cache] == "hit")
            #expect(plain.headers[attempts] == "0")
            #expect(Self.content(plain) == "Hello from openai.")
            // ...and is replayed as a stream: its text, its finish, its usage, at no cost.
            let replayed = try await GatewayHarness.post(client, "/v1/chat/completions", json: streamed)
            #expect(replayed.headers[cache] == "hit")
            #expect(replayed.headers[attempts] == "0")
            #expect(replayed.streamedText == "Hello from openai.")
            #expect(replayed.body.contains(#""finish_reason":"stop""#))
            let usages = replayed.events.compactMap { event -> [String: Any]? in
                let object = try? JSONSerialization.jsonObject(with: Data(event.utf8)) as? [String: Any]
                return object?["usage"] as? [String: Any]
            }
            let usage = try #require(usages.last)
            #expect(usage["total_tokens"] as? Int == 14)
            #expect(usage["cost"] as? Int == 0, "a replay costs nothing")
            #expect(replayed.events.last == "[DONE]")
            #expect(await upstream.state.requestCount == 1, "no provider was called for either hit")

            // A stream that broke is not kept: the same request goes upstream again, and that answer is kept.
            await upstream.state.enqueue(.streamCut(afterChunks: 2))
            let s2 = Self.body("cached", temperature: 0, text: "s2", stream: true)
            let cut = try await GatewayHarness.post(client, "/v1/chat/completions", json: s2)
            #expect(cut.body.contains(#""error""#))
            let again = try await GatewayHarness.post(client, "/v1/chat/completions", json: s2)
            #expect(again.headers[cache] == "miss")
            #expect(again.streamedText == "Hello from openai.")
            let kept = try await GatewayHarness.post(
                client, "/v1/chat/completions", json: Self.body("cached", temperature: 0, text: "s2"))
            #expect(kept.headers[cache] == "hit")
            #expect(await upstream.state.requestCount == 3)
            let metrics = PrometheusText(try await GatewayHarness.get(client, "/metrics", token: nil).body)
            #expect(metrics.value(GatewayMetrics.cacheLookupsTotal, ["route": "cached", "result": "hit"]) == 3)
            #expect(metrics.value(GatewayMetrics.cacheLookupsTotal, ["route": "cached", "result": "miss"]) == 2)
        }
    }

    @Test func cacheControlRefreshesOrBypassesTheCache() async throws {
        try await withSharingGateway { client, upstream in
            let cache = HTTPField.Name("x-switchyard-cache")!
            func ask(_ cacheControl: String? = nil, stream: Bool = false) async throws -> TestResponse {
                var headers = HTTPFields()
                if let cacheControl { headers[.cacheControl] = cacheControl }
                return try await GatewayHarness.post(
                    client, "/v1/chat/completions",
                    json: Self.body("cached", temperature: 0, text: "cc", stream: stream),
                    extraHeaders: headers)
            }
            let first = try await ask()
            #expect(first.headers[cache] == "miss")
            // no-cache: not answered from the cache, and the new answer replaces the kept one.
            await upstream.state.enqueue(.success("a newer answer"))
            let refreshed = try await ask("no-cache")
            #expect(refreshed.headers[cache] == "miss")
            #expect(Self.content(refreshed) == "a newer answer")
            let hit = try await ask()
            #expect(hit.headers[cache] == "hit")
            #expect(Self.content(hit) == "a newer answer")
            #expect(await upstream.state.requestCount == 2)
            // no-store (any case, among other directives): the cache is neither read nor written.
            let bypassed = try await ask("max-age=0, No-Store")
            #expect(bypassed.headers[cache] == nil)
            #expect(Self.content(bypassed) == "Hello from openai.")
            #expect(await upstream.state.requestCount == 3)
            let stillKept = try await ask()
            #expect(Self.content(stillKept) == "a newer answer")
            // A stream too: no-cache goes upstream, and its answer is kept.
            await upstream.state.enqueue(.success("streamed anew"))
            let streamed = try await ask("no-cache", stream: true)
            #expect(streamed.headers[cache] == "miss")
            #expect(streamed.streamedText == "streamed anew")
            #expect(await upstream.state.requestCount == 4)
            #expect(Self.content(try await ask()) == "streamed anew")
        }
    }

    /// Posts `body` from `count` clients at once.
    static func concurrently(
        _ client: any TestClientProtocol, _ count: Int, _ body: String
    ) async throws -> [TestResponse] {
        try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for _ in 0..<count {
                group.addTask { try await GatewayHarness.post(client, "/v1/chat/completions", json: body) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func identicalConcurrentStreamsReadOneUpstreamStream() async throws {
        try await withSharingGateway { client, upstream in
            let streamed = Self.body("shared", text: "together", stream: true)
            await upstream.state.enqueue(.delayed(.milliseconds(300), .success("one stream for all of you")))
            let replies = try await Self.concurrently(client, 4, streamed)
            #expect(replies.map(\.status) == [200, 200, 200, 200])
            #expect(replies.map(\.streamedText) == Array(repeating: "one stream for all of you", count: 4))
            #expect(replies.allSatisfy { $0.events.last == "[DONE]" && $0.body.contains(#""total_tokens":17"#) })
            #expect(await upstream.state.requestCount == 1, "four identical streams, one upstream call")

            // A stream that breaks reaches every reader as the same break; the next request opens a new one.
            await upstream.state.enqueue(.delayed(.milliseconds(300), .streamCut(afterChunks: 2)))
            let cut = try await Self.concurrently(client, 3, streamed)
            #expect(cut.map(\.streamedText) == Array(repeating: "one two", count: 3))
            #expect(cut.allSatisfy { $0.body.contains("stream_interrupted") })
            #expect(await upstream.state.requestCount == 2)
            let after = try await GatewayHarness.post(client, "/v1/chat/completions", json: streamed)
            #expect(after.streamedText == "Hello from openai.")
            #expect(await upstream.state.requestCount == 3)

            // A walk that fails before the commit point fails every request that waited for it.
            await upstream.state.enqueue(
                .delayed(
                    .milliseconds(300),
                    .raw(
                        status: 400,
                        body: OpenAIBytes.openAIError(message: "bad", type: "invalid_request_error", code: nil))))
            let refused = try await Self.concurrently(client, 3, streamed)
            #expect(Set(refused.map(\.status)).count == 1 && refused[0].status >= 400)
            #expect(await upstream.state.requestCount == 4)
            let metrics = PrometheusText(try await GatewayHarness.get(client, "/metrics", token: nil).body)
            #expect(metrics.value(GatewayMetrics.deduplicatedTotal, ["route": "shared"]) == Double(3 + 2 + 2))
        }
    }

    @Test func whenEveryReaderLeavesTheSharedWalkIsCancelled() async throws {
        let upstream = FakeOpenAIUpstream(flavor: .openai)
        try await upstream.run { url in
            // The first token may take 5 s: only a cancelled walk ends before the upstream answers (after 3 s).
            var gateway = GatewayHarness.fastSettings
            gateway.timeToFirstToken = .seconds(5)
            let settings = GatewayHarness.settings(
                providers: [GatewayHarness.openAIFamily("openai", flavor: .openai, baseURL: url)],
                routing: Self.routing,
                gateway: gateway)
            try await GatewayHarness.withGateway(settings) { _, service in
                await upstream.state.enqueue(.delayed(.seconds(3), .success("too late")))
                let plan = try #require(service.plan(forModel: "shared", systemInstruction: nil))
                let request = ProviderRequest(model: "shared", messages: [ChatMessage(role: .user, content: "leave")])
                let readers = (0..<2).map { _ in
                    Task { try await service.openStream(plan, request: request, caller: "tests") }
                }
                try await Task.sleep(for: .milliseconds(200))
                let cancelled = ContinuousClock.now
                for reader in readers { reader.cancel() }
                for reader in readers {
                    let result = await reader.result
                    #expect((try? result.get()) == nil, "a reader that left gets no stream")
                }
                #expect(cancelled.duration(to: .now) < .seconds(2), "the readers did not wait for the upstream")
                // The walk was cancelled and its flight forgotten: the same request opens a stream of its own.
                var text = ""
                for _ in 0..<20 {
                    guard let committed = try? await service.openStream(plan, request: request, caller: "tests") else {
                        try await Task.sleep(for: .milliseconds(50))
                        continue
                    }
                    for case .delta(let delta) in committed.head { text += delta }
                    while let event = try await committed.rest.next() {
                        if case .delta(let delta) = event { text += delta }
                    }
                    service.streamEnded(committed, usage: Usage(promptTokens: 1, completionTokens: 1), failure: nil)
                    break
                }
                #expect(text == "Hello from openai.", "not the abandoned walk's answer")
                #expect(await upstream.state.requestCount == 2)
            }
        }
    }
}
