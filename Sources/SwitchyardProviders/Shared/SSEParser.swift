/// One server-sent event.
public struct SSEEvent: Sendable, Equatable {
    public var event: String?
    public var data: String

    /// - Parameters:
    ///   - event: The `event:` name, if any.
    ///   - data: The `data:` lines, joined with newlines.
    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }
}

/// An incremental parser for `text/event-stream` (WHATWG HTML §9.2): feed it bytes as they arrive and take the
/// complete events. Lines may end in LF, CRLF or CR, including a CRLF split across two chunks; comment lines
/// (`: keep-alive`, `: OPENROUTER PROCESSING`) are skipped.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var dataLines: [String] = []
    private var eventName: String?
    private var sawCarriageReturn = false

    public init() {}

    /// - Parameter bytes: The next bytes of the stream.
    /// - Returns: The events completed by them.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if sawCarriageReturn {
                sawCarriageReturn = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\n"):
                endLine(into: &events)
            case UInt8(ascii: "\r"):
                sawCarriageReturn = true
                endLine(into: &events)
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// Ends the stream. An event not closed by a blank line is returned too: some providers (Gemini) end on close.
    /// - Returns: The pending event, if any.
    public mutating func finish() -> SSEEvent? {
        var events: [SSEEvent] = []
        if !line.isEmpty { endLine(into: &events) }
        endLine(into: &events)
        return events.first
    }

    private mutating func endLine(into events: inout [SSEEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if !dataLines.isEmpty {
                events.append(SSEEvent(event: eventName, data: dataLines.joined(separator: "\n")))
            }
            dataLines.removeAll()
            eventName = nil
            return
        }
        if line.first == UInt8(ascii: ":") { return }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "data": dataLines.append(String(value))
        case "event": eventName = String(value)
        default: break
        }
    }
}
