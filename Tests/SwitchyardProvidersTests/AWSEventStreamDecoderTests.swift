import SwitchyardProviders
import Testing

/// The event-stream decoder on the vector of shared/providers.md §4.
@Suite struct AWSEventStreamDecoderTests {
    static let hex =
        "0000009400000057b4ab9aee0b3a6576656e742d74797065070011636f6e74656e74426c6f636b44656c74610d3a636f6e74656e742d74797065"
        + "0700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b22636f6e74656e74426c6f636b496e"
        + "646578223a302c2264656c7461223a7b2274657874223a224869227d7d1f944657"

    static var frame: [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test func decodesTheVectorFrame() throws {
        #expect(Self.frame.count == 148)
        var decoder = AWSEventStreamDecoder()
        let messages = try decoder.feed(Self.frame)
        #expect(messages.count == 1)
        let message = try #require(messages.first)
        #expect(message.string(":event-type") == "contentBlockDelta")
        #expect(message.string(":content-type") == "application/json")
        #expect(message.string(":message-type") == "event")
        #expect(String(decoding: message.payload, as: UTF8.self) == #"{"contentBlockIndex":0,"delta":{"text":"Hi"}}"#)
    }

    @Test func framesSplitAtEveryByteDecodeTheSame() throws {
        let twice = Self.frame + Self.frame
        for cut in 1..<twice.count {
            var decoder = AWSEventStreamDecoder()
            let first = try decoder.feed(twice[..<cut])
            let second = try decoder.feed(twice[cut...])
            #expect(first.count + second.count == 2)
            #expect(!decoder.hasPartialFrame)
        }
    }

    @Test func aCorruptedMessageCRCIsRejected() {
        var corrupted = Self.frame
        corrupted[100] ^= 0x01
        var decoder = AWSEventStreamDecoder()
        #expect(throws: EventStreamError(description: "message CRC mismatch")) { try decoder.feed(corrupted) }
    }

    @Test func aCorruptedPreludeIsRejected() {
        var corrupted = Self.frame
        corrupted[3] = 0x95
        var decoder = AWSEventStreamDecoder()
        #expect(throws: EventStreamError(description: "prelude CRC mismatch")) { try decoder.feed(corrupted) }
    }
}
