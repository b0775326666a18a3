import Foundation
import Logging
import Testing

@testable import SwitchyardServer

/// The JSON log line is built by hand for speed (its strings by ``JSONQuoting``); it must still be JSON that any
/// parser reads back.
@Suite struct JSONLogHandlerTests {
    @Test func metadataAndTimeMakeOneObject() throws {
        var line = "{\"time\":\""
        JSONLogHandler.appendTime(1_764_570_018.257, to: &line)
        line += "\",\"m\":"
        JSONLogHandler.append(.dictionary(["b": .array([.string("x"), .stringConvertible(3)]), "a": "y"]), to: &line)
        line += "}"
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2025-12-01T06:20:18.257Z")
        let nested = try #require(object["m"] as? [String: Any])
        #expect(nested["a"] as? String == "y")
        #expect(nested["b"] as? [String] == ["x", "3"])
    }
}
