/// Sampling knobs shared by every provider. A provider that lacks one drops it in its own mapping.
public struct SamplingParameters: Sendable, Hashable {
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var maxTokens: Int?
    public var stop: [String]
    public var seed: Int?

    /// - Parameters:
    ///   - temperature: 0 to 2.
    ///   - topP: Nucleus sampling, 0 to 1.
    ///   - topK: Top-k sampling, at least 1.
    ///   - maxTokens: Upper bound on generated tokens, at least 1.
    ///   - stop: Up to four stop sequences.
    ///   - seed: Sampling seed, where the provider supports one.
    public init(
        temperature: Double? = nil,
        topP: Double? = nil,
        topK: Int? = nil,
        maxTokens: Int? = nil,
        stop: [String] = [],
        seed: Int? = nil
    ) {
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.maxTokens = maxTokens
        self.stop = stop
        self.seed = seed
    }
}
