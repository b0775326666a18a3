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
        let read = bytes.withContiguousStorageIfAvailable { feed(UnsafeRawBufferPointer($0), into: &events) }
        if read == nil { Array(bytes).withUnsafeBytes { feed($0, into: &events) } }
        return events
    }

    /// Reads whole lines in place; only a line cut at the end of `bytes` is copied, to be finished by the next ones.
    private mutating func feed(_ bytes: UnsafeRawBufferPointer, into events: inout [SSEEvent]) {
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if sawCarriageReturn {
                sawCarriageReturn = false
                if byte == UInt8(ascii: "\n") {
                    index += 1
                    start = index
                    continue
                }
            }
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
                index += 1
                continue
            }
            let rest = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            if line.isEmpty {
                endLine(rest, into: &events)
            } else {
                line.append(contentsOf: rest)
                let whole = line
                whole.withUnsafeBytes { endLine($0, into: &events) }
                line.removeAll(keepingCapacity: true)
            }
            sawCarriageReturn = byte == UInt8(ascii: "\r")
            index += 1
            start = index
        }
        if start < bytes.count { line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...])) }
    }

    /// Ends the stream. An event not closed by a blank line is returned too: some providers (Gemini) end on close.
    /// - Returns: The pending event, if any.
    public mutating func finish() -> SSEEvent? {
        var events: [SSEEvent] = []
        if !line.isEmpty {
            let whole = line
            line.removeAll()
            whole.withUnsafeBytes { endLine($0, into: &events) }
        }
        endLine(UnsafeRawBufferPointer(start: nil, count: 0), into: &events)
        return events.first
    }

    /// Takes one line: a blank line ends the event, a comment is skipped, `data` and `event` fields are kept.
    private mutating func endLine(_ line: UnsafeRawBufferPointer, into events: inout [SSEEvent]) {
        if line.isEmpty {
            if !dataLines.isEmpty {
                let data = dataLines.count == 1 ? dataLines[0] : dataLines.joined(separator: "\n")
                events.append(SSEEvent(event: eventName, data: data))
            }
            dataLines.removeAll(keepingCapacity: true)
            eventName = nil
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.count
        var valueStart = min(colon + 1, line.count)
        if valueStart < line.count, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let field = UnsafeRawBufferPointer(rebasing: line[..<colon])
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: line[valueStart...]), as: UTF8.self)
        if field.elementsEqual("data".utf8) {
            dataLines.append(value)
        } else if field.elementsEqual("event".utf8) {
            eventName = value
        }
    }
}
