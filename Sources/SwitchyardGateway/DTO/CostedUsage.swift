import Foundation
import SwitchyardCore

/// Token usage with what the request cost: OpenAI's `usage` object plus `cost`, in dollars (as OpenRouter writes
/// it), `null` when a model that used tokens has no price in the table (never 0 for an unknown price).
struct CostedUsage: Codable, Sendable {
    var usage: Usage
    /// Nano-dollars.
    var cost: Int64?

    init(_ usage: Usage, cost: Int64?) {
        self.usage = usage
        self.cost = cost
    }

    enum CodingKeys: String, CodingKey {
        case cost
    }

    init(from decoder: any Decoder) throws {
        usage = try Usage(from: decoder)
        cost = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(Decimal.self, forKey: .cost).map(
            NanoDollars.nanos)
    }

    func encode(to encoder: any Encoder) throws {
        try usage.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cost.map(NanoDollars.decimal), forKey: .cost)
    }
}
