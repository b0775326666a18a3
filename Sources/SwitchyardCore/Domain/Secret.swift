/// A credential whose text never appears in logs, errors or `description`.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The raw value, for the one place that sends it on the wire.
    public let value: String

    /// - Parameter value: The raw credential.
    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
