/// Token counts of one generation.
public struct Usage: Sendable, Equatable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    /// - Parameters:
    ///   - promptTokens: Tokens read.
    ///   - completionTokens: Tokens written.
    ///   - totalTokens: Their sum, unless the provider reported another figure.
    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? (promptTokens + completionTokens)
    }

    public static let zero = Usage(promptTokens: 0, completionTokens: 0)

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }
}
