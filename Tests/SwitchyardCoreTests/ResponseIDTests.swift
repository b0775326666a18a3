import SwitchyardCore
import Testing

@Suite struct ResponseIDTests {
    @Test func identifiersAreDistinctAndPlain() {
        let ids = (0..<20_000).map { _ in ResponseID.next() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 26 })
        #expect(ids.allSatisfy { id in id.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } })
    }
}
