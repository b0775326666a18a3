extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines. Native Swift, unlike Foundation's
    /// `trimmingCharacters(in:)`, which bridges through `NSString` (a measurable part of a chat turn).
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        // Nothing to trim: a String is returned as it is, not copied.
        if first == startIndex, index(after: last) == endIndex { return String(self) }
        return String(self[first...last])
    }
}

extension String {
    /// The text with its first character in upper case (`partly cloudy` → `Partly cloudy`).
    public var capitalizedFirst: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}
