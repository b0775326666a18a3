import SwitchyardCore
import Testing

@Suite struct ChainBuilderTests {
    let table = RoutingTable(
        routes: [
            .init(
                name: "deepseek",
                targets: [
                    Target(provider: "bedrock", model: "ds", regionName: "ap-south-1"),
                    Target(provider: "bedrock", model: "ds", regionName: "us-east-1"),
                ])
        ],
        fallbackRules: [
            .init(
                provider: "gemini", model: "gemini-2.5-pro",
                fallbacks: [Target(provider: "gemini", model: "gemini-2.5-flash")]),
            .init(provider: "gemini", fallbacks: [Target(provider: "gemini", model: "gemini-2.0-flash")]),
        ],
        universalFallback: Target(provider: "gemini", model: "gemini-2.0-flash"))

    func ids(_ chain: [Target]) -> [String] { chain.map(\.key.description) }

    @Test func theMostSpecificRuleWinsAndTheUniversalFallbackEndsTheChain() {
        let chain = ChainBuilder.chain(
            primary: Target(provider: "gemini", model: "gemini-2.5-pro"), explicitFallbacks: nil, table: table,
            systemInstruction: nil, regionName: nil)
        #expect(ids(chain) == ["gemini/gemini-2.5-pro", "gemini/gemini-2.5-flash", "gemini/gemini-2.0-flash"])
    }

    @Test func duplicatesAreDropped() {
        let chain = ChainBuilder.chain(
            primary: Target(provider: "gemini", model: "gemini-2.0-flash"), explicitFallbacks: nil, table: table,
            systemInstruction: nil, regionName: nil)
        #expect(ids(chain) == ["gemini/gemini-2.0-flash"])
    }

    @Test func explicitFallbacksReplaceTheRules() {
        let chain = ChainBuilder.chain(
            primary: Target(provider: "gemini", model: "gemini-2.5-pro"),
            explicitFallbacks: [Target(provider: "openai", model: "gpt-4o")], table: table,
            systemInstruction: nil, regionName: nil)
        #expect(ids(chain) == ["gemini/gemini-2.5-pro", "openai/gpt-4o", "gemini/gemini-2.0-flash"])
    }

    @Test func fallbacksInheritSystemInstructionAndRegionUnlessTheySetTheirOwn() {
        let chain = ChainBuilder.chain(
            primary: Target(provider: "bedrock", model: "ds"),
            explicitFallbacks: [
                Target(provider: "bedrock", model: "ds", regionName: "eu-west-1"),
                Target(provider: "openai", model: "gpt-4o", systemInstruction: "short"),
            ],
            table: table, systemInstruction: "be kind", regionName: "ap-south-1")
        #expect(chain.map(\.regionName) == ["ap-south-1", "eu-west-1", "ap-south-1", "ap-south-1"])
        #expect(chain.map(\.systemInstruction) == ["be kind", "be kind", "short", "be kind"])
    }

    @Test func routesKeepTheirRegionsAndGetTheUniversalFallback() throws {
        let route = try #require(table.route(named: "deepseek"))
        let chain = ChainBuilder.chain(route: route, table: table, systemInstruction: nil, regionName: nil)
        #expect(ids(chain) == ["bedrock/ds@ap-south-1", "bedrock/ds@us-east-1", "gemini/gemini-2.0-flash"])
    }
}
