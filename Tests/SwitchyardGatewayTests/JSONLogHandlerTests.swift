import Foundation
import Logging
import SwitchyardCore
import Testing

@testable import SwitchyardServer

/// The JSON log line is built by hand for speed (its strings by ``JSONQuoting``); it must still be JSON that any
/// parser reads back.
@Suite struct JSONLogHandlerTests {
    @Test func metadataAndTimeMakeOneObject() throws {
        var line = JSONWriter()
        line.raw(#"{"time":""#)
        JSONLogHandler.appendTime(1_764_570_018.257, to: &line)
        line.raw(#"","m":"#)
        JSONLogHandler.append(.dictionary(["b": .array([.string("x"), .stringConvertible(3)]), "a": "y"]), to: &line)
        line.raw("}")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.bytes)) as? [String: Any])
        #expect(object["time"] as? String == "2025-12-01T06:20:18.257Z")
        let nested = try #require(object["m"] as? [String: Any])
        #expect(nested["a"] as? String == "y")
        #expect(nested["b"] as? [String] == ["x", "3"])
    }

    @Test func oneLinePerEventWithSortedMetadataAndNoOverwrittenFields() throws {
        var handler = JSONLogHandler(label: "switchyard", level: .info)
        handler.metadata = ["service": "gateway"]
        let event = LogEvent(
            level: .info, message: "request \"quoted\"\n",
            metadata: ["status": .stringConvertible(200), "level": "forged", "b": "2", "a": "1"],
            source: "SwitchyardHTTP", file: #fileID, function: #function, line: #line)
        let bytes = handler.line(for: event, at: 1_764_570_018.007)
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(bytes.dropLast().allSatisfy { $0 != UInt8(ascii: "\n") })
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"time":"2025-12-01T06:20:18.007Z","level":"info","logger":"switchyard""#))
        #expect(text.contains(#""a":"1","b":"2","service":"gateway","status":"200"}"#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["message"] as? String == "request \"quoted\"\n")
        #expect(object["level"] as? String == "info")
    }
}
