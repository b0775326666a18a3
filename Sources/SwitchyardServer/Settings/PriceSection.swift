import Foundation
import SwitchyardCore

/// The configuration file's `prices` section: list prices in US dollars per million tokens, by `provider/model`
/// (the model id as the provider spells it), with optional per-region prices.
///
/// ```json
/// "prices": {
///   "as_of": "2026-11-30",
///   "models": {
///     "openai/gpt-4o-mini": { "input": 0.15, "output": 0.60, "cached_input": 0.075 },
///     "bedrock/deepseek.v3-v1:0": { "input": 0.58, "output": 1.68, "regions": { "eu-west-1": { … } } }
///   }
/// }
/// ```
struct PriceSection: Decodable {
    struct Entry: Decodable {
        var input: Decimal
        var output: Decimal
        var cachedInput: Decimal?
        var regions: [String: Entry]?

        enum CodingKeys: String, CodingKey {
            case input, output, regions
            case cachedInput = "cached_input"
        }

        func price(_ path: String) throws -> ModelPrice {
            func micros(_ value: Decimal, _ field: String) throws -> Int64 {
                guard let micros = NanoDollars.micros(fromDecimal: "\(value)") else {
                    throw SettingsError(
                        "`prices.models.\(path).\(field)` must be US dollars per million tokens, at least 0 and with at "
                            + "most 6 decimals; got \(value).")
                }
                return micros
            }
            return ModelPrice(
                inputMicrosPerMillion: try micros(input, "input"), outputMicrosPerMillion: try micros(output, "output"),
                cachedInputMicrosPerMillion: try cachedInput.map { try micros($0, "cached_input") })
        }
    }

    var asOf: String?
    var models: [String: Entry]

    enum CodingKeys: String, CodingKey {
        case models
        case asOf = "as_of"
    }

    /// - Throws: ``SettingsError`` for a key that is not `provider/model` or a price that is not a plain amount.
    func table() throws -> PriceTable {
        var table = PriceTable(asOf: asOf)
        for (key, entry) in models {
            guard let slash = key.firstIndex(of: "/"), slash != key.startIndex, key.index(after: slash) != key.endIndex
            else {
                throw SettingsError("`prices.models` keys are `provider/model`; got `\(key)`.")
            }
            let provider = String(key[..<slash])
            let model = String(key[key.index(after: slash)...])
            table.set(try entry.price(key), provider: provider, model: model)
            for (region, regional) in entry.regions ?? [:] {
                table.set(
                    try regional.price("\(key).regions.\(region)"), provider: provider, model: model, region: region)
            }
        }
        return table
    }
}
