import NIOCore
import NIOEmbedded
import SwitchyardHTTP1
import Testing

@testable import switchyard_bench

/// The load tools of `scripts/bench/streams.sh`: the fake upstream's bytes and pacing, and how the clients find the
/// events in what they read. A bug here would make the benchmark measure something other than the gateway.
@Suite struct StreamBenchToolsTests {
    /// A stream as the upstream writes it: head and role chunk, the content chunks, the finish frames and the end.
    func streamBytes(chunks: Int) -> ByteBuffer {
        let frames = Frames.Encoded(chunks: chunks)
        var bytes = frames.streamHead
        for var chunk in frames.content { bytes.writeBuffer(&chunk) }
        var end = frames.streamEnd
        bytes.writeBuffer(&end)
        return bytes
    }

    /// Reads `bytes` as the clients do, in two parts cut at `cut`: the events found, whether `[DONE]` was one, and
    /// whether the answer ended.
    func read(_ bytes: ByteBuffer, cutAt cut: Int) throws -> (events: Int, done: Bool, ended: Bool) {
        var reader = HTTP1MessageReader<BenchAnswerHead>()
        var ends = SSEEventEnds()
        var events = 0
        var ended = false
        var parsed: [HTTP1MessageReader<BenchAnswerHead>.Event] = []
        for part in [bytes.getSlice(at: 0, length: cut)!, bytes.getSlice(at: cut, length: bytes.readableBytes - cut)!] {
            try reader.feed(part, into: &parsed)
            for event in parsed {
                switch event {
                case .head(let head): #expect(head.status == 200)
                case .body(let body): events += ends.feed(body)
                case .end: ended = true
                }
            }
            parsed.removeAll()
        }
        return (events, ends.sawDone, ended)
    }

    @Test func aStreamIsReadWholeWhereverItsBytesAreCut() throws {
        let bytes = streamBytes(chunks: 3)
        // The role chunk, three content chunks, the finish, the usage and [DONE].
        for cut in 0...bytes.readableBytes {
            let (events, done, ended) = try read(bytes, cutAt: cut)
            #expect(events == 7 && done && ended, "cut at \(cut)")
        }
    }

    @Test func doneIsSeenOnlyWhenAnEventIsTheMarker() {
        var ends = SSEEventEnds()
        #expect(ends.feed(ByteBuffer(string: "data: [DONX]\n\ndata: x [DONE]\n\n")) == 2)
        #expect(!ends.sawDone)
        #expect(ends.feed(ByteBuffer(string: "data: [DO")) == 0)
        #expect(ends.feed(ByteBuffer(string: "NE]\n")) == 0)
        #expect(ends.feed(ByteBuffer(string: "\n")) == 1)
        #expect(ends.sawDone)
    }

    @Test func aRequestHeadSaysWhetherTheConnectionCloses() throws {
        var reader = HTTP1MessageReader<BenchRequestHead>()
        var events: [HTTP1MessageReader<BenchRequestHead>.Event] = []
        try reader.feed(
            ByteBuffer(
                string: "POST /v1/chat/completions HTTP/1.1\r\ncontent-length: 2\r\n\r\n{}"
                    + "POST /v1/chat/completions HTTP/1.1\r\nConnection: close\r\ncontent-length: 2\r\n\r\n{}"),
            into: &events)
        let closes = events.compactMap { event -> Bool? in
            if case .head(let head) = event { return head.close }
            return nil
        }
        #expect(closes == [false, true])
        #expect(events.count == 6)
    }

    /// Two streams started 5 ms apart on one loop: each sends a content chunk every 20 ms from its own start, then
    /// its end; a plain completion is answered at once.
    @Test func streamsArePacedFromTheirOwnStart() throws {
        let loop = EmbeddedEventLoop()
        let frames = Frames.Encoded(chunks: 2)
        let pacer = StreamPacer(loop: loop, interval: .milliseconds(20))
        let first = EmbeddedChannel(handler: CompletionsHandler(frames: frames, pacer: pacer), loop: loop)
        let second = EmbeddedChannel(handler: CompletionsHandler(frames: frames, pacer: pacer), loop: loop)
        let plain = EmbeddedChannel(handler: CompletionsHandler(frames: frames, pacer: pacer), loop: loop)
        for channel in [first, second, plain] { try channel.connect(to: .init(unixDomainSocketPath: "/x")).wait() }
        let streamRequest = "POST /v1/chat/completions HTTP/1.1\r\ncontent-length: 15\r\n\r\n{\"stream\":true}"
        func written(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
            var parts: [ByteBuffer] = []
            while let part = try channel.readOutbound(as: ByteBuffer.self) { parts.append(part) }
            return parts
        }

        try first.writeInbound(ByteBuffer(string: streamRequest))
        #expect(try written(first) == [frames.streamHead])
        loop.advanceTime(by: .milliseconds(5))
        try second.writeInbound(ByteBuffer(string: streamRequest))
        try plain.writeInbound(ByteBuffer(string: "POST /v1/chat/completions HTTP/1.1\r\ncontent-length: 2\r\n\r\n{}"))
        #expect(try written(plain) == [frames.completion])
        #expect(try written(second) == [frames.streamHead])

        loop.advanceTime(by: .milliseconds(14))  // 19 ms
        #expect(try written(first).isEmpty)
        loop.advanceTime(by: .milliseconds(1))  // 20 ms
        #expect(try written(first) == [frames.content[0]])
        #expect(try written(second).isEmpty)
        loop.advanceTime(by: .milliseconds(5))  // 25 ms
        #expect(try written(second) == [frames.content[0]])
        loop.advanceTime(by: .milliseconds(20))  // 45 ms
        #expect(try written(first) == [frames.content[1]])
        #expect(try written(second) == [frames.content[1]])
        loop.advanceTime(by: .milliseconds(20))  // 65 ms
        #expect(try written(first) == [frames.streamEnd])
        #expect(try written(second) == [frames.streamEnd])
        loop.advanceTime(by: .milliseconds(100))
        #expect(try written(first).isEmpty && written(second).isEmpty)
    }
}
