import Foundation

/// A model's list price, as data: integer micro-dollars (10⁻⁶ USD) per million tokens, so that `0.075` USD per 1M
/// cached-input tokens is 75 000 exactly, and an attempt's cost is integer arithmetic.
public struct ModelPrice: Sendable, Equatable {
    public var inputMicrosPerMillion: Int64
    public var outputMicrosPerMillion: Int64
    /// Cached prompt tokens; nil bills them as input.
    public var cachedInputMicrosPerMillion: Int64?

    public init(inputMicrosPerMillion: Int64, outputMicrosPerMillion: Int64, cachedInputMicrosPerMillion: Int64? = nil)
    {
        self.inputMicrosPerMillion = inputMicrosPerMillion
        self.outputMicrosPerMillion = outputMicrosPerMillion
        self.cachedInputMicrosPerMillion = cachedInputMicrosPerMillion
    }

    /// What `usage` costs, in nano-dollars (10⁻⁹ USD), rounded half up: micro-dollars per million tokens are
    /// pico-dollars per token, so the exact cost is `Σ tokens × price` pico-dollars, divided by 1000 once.
    public func cost(of usage: Usage) -> Int64 {
        let cached = Int64(min(max(usage.cachedPromptTokens, 0), usage.promptTokens))
        let uncached = Int64(usage.promptTokens) - cached
        let picodollars =
            uncached * inputMicrosPerMillion
            + cached * (cachedInputMicrosPerMillion ?? inputMicrosPerMillion)
            + Int64(usage.completionTokens) * outputMicrosPerMillion
        return (picodollars + 500) / 1000
    }
}

/// List prices per provider and model, and per region where a provider prices regions differently (Bedrock). A
/// model that is not in the table has no cost (nil), never 0.
public struct PriceTable: Sendable, Equatable {
    /// When the prices were read off the providers' price pages (`YYYY-MM-DD`).
    public var asOf: String?
    private var prices: [Key: ModelPrice] = [:]

    struct Key: Hashable {
        var provider: String
        var model: String
        var region: String?
    }

    public init(asOf: String? = nil) {
        self.asOf = asOf
    }

    /// Sets the price of `provider`/`model`, or of one region of it.
    public mutating func set(_ price: ModelPrice, provider: String, model: String, region: String? = nil) {
        prices[Key(provider: provider, model: model, region: region)] = price
    }

    /// The price of a target: its region's if the table has one, else the model's.
    public func price(provider: String, model: String, region: String?) -> ModelPrice? {
        if let region, let price = prices[Key(provider: provider, model: model, region: region)] { return price }
        return prices[Key(provider: provider, model: model, region: nil)]
    }

    /// What `usage` cost at `target`, in nano-dollars; nil when the table has no price for it.
    public func cost(of usage: Usage, provider: String, model: String, region: String?) -> Int64? {
        price(provider: provider, model: model, region: region)?.cost(of: usage)
    }

    public var isEmpty: Bool { prices.isEmpty }
}

/// Nano-dollars as a decimal number of dollars, exactly: `15000` → `"0.000015"`, `2_500_000_000` → `"2.5"`.
public enum NanoDollars {
    /// The dollars, exactly, for JSON (a `Decimal` is written with its own digits).
    public static func decimal(_ nanos: Int64) -> Decimal {
        Decimal(string: decimalString(nanos)) ?? 0
    }

    /// Dollars read from JSON, to the nano-dollar (rounded).
    public static func nanos(_ dollars: Decimal) -> Int64 {
        var scaled = dollars * 1_000_000_000
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        return NSDecimalNumber(decimal: rounded).int64Value
    }

    public static func decimalString(_ nanos: Int64) -> String {
        // Written into the string's own storage: a sign, up to 11 whole digits, a point and up to 9 decimals.
        String(unsafeUninitializedCapacity: 24) { text in
            var length = 0
            if nanos < 0 {
                text[0] = UInt8(ascii: "-")
                length = 1
            }
            let magnitude = nanos.magnitude
            var whole = magnitude / 1_000_000_000
            let wholeStart = length
            repeat {
                text[length] = UInt8(ascii: "0") + UInt8(whole % 10)
                whole /= 10
                length += 1
            } while whole > 0
            text[wholeStart..<length].reverse()
            var fraction = magnitude % 1_000_000_000
            guard fraction > 0 else { return length }
            var places = 9
            while fraction % 10 == 0 {
                fraction /= 10
                places -= 1
            }
            text[length] = UInt8(ascii: ".")
            for place in stride(from: length + places, to: length, by: -1) {
                text[place] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            return length + 1 + places
        }
    }

    /// Parses a price as written in the configuration, dollars with at most 6 decimals (`0.075`, `15`, `1e-1` is
    /// refused), into micro-dollars.
    /// - Returns: nil for anything else: a negative number, more than 6 decimals, an exponent, over a million dollars.
    public static func micros(fromDecimal text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let wholeText = parts.first, !wholeText.isEmpty,
            wholeText.allSatisfy(\.isASCIIDigit), let whole = Int64(wholeText), whole <= 1_000_000
        else { return nil }
        var micros = whole * 1_000_000
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 6, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
            micros += Int64(fraction + String(repeating: "0", count: 6 - fraction.count))!
        }
        return micros
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
