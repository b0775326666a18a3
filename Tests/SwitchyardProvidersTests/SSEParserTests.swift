import SwitchyardProviders
import Testing

@Suite struct SSEParserTests {
    func parse(_ chunks: [String]) -> [SSEEvent] {
        var parser = SSEParser()
        var events = chunks.flatMap { parser.feed(Array($0.utf8)) }
        if let last = parser.finish() { events.append(last) }
        return events
    }

    @Test func dataOnlyEventsSplitAnywhere() {
        let text = "data: {\"a\":1}\n\ndata: [DONE]\n\n"
        for cut in 0...text.utf8.count {
            let bytes = Array(text.utf8)
            let chunks = [
                String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self),
            ]
            #expect(parse(chunks) == [SSEEvent(data: "{\"a\":1}"), SSEEvent(data: "[DONE]")])
        }
    }

    @Test func namedEventsAndCRLFSplitAcrossChunks() {
        let events = parse(["event: message_start\r", "\ndata: {}\r\n\r", "\n"])
        #expect(events == [SSEEvent(event: "message_start", data: "{}")])
    }

    @Test func commentsAreSkippedAndMultiLineDataIsJoined() {
        let events = parse([": OPENROUTER PROCESSING\n\n", "data: a\ndata: b\n\n"])
        #expect(events == [SSEEvent(data: "a\nb")])
    }

    @Test func everyLineEndAndFieldFormReadsTheSameCutAnywhereOrAByteAtATime() {
        // CRLF, a field without a colon (empty data), a comment, a lone CR ending a blank line, LF.
        let text = "event: a\r\ndata: 1\r\ndata\r\n: c\r\rdata:x\n\n"
        let expected = [SSEEvent(event: "a", data: "1\n"), SSEEvent(data: "x")]
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            let chunks = [
                String(decoding: bytes[..<cut], as: UTF8.self), String(decoding: bytes[cut...], as: UTF8.self),
            ]
            #expect(parse(chunks) == expected, "cut at \(cut)")
        }
        #expect(parse(bytes.map { String(decoding: [$0], as: UTF8.self) }) == expected)
    }

    @Test func aFinalEventWithoutBlankLineIsKeptAtClose() {
        #expect(parse(["data: {\"last\":true}"]) == [SSEEvent(data: "{\"last\":true}")])
    }
}
