import SwitchyardCore
import Testing

@Suite struct LineDiffTests {
    @Test func pairsRemovedAndAddedLinesIntoChangedRowsAndKeepsCommonOnes() {
        let rows = LineDiff.rows(
            "You are {{bot_name}}.\nBe kind.\nAnswer in English.",
            "You are {{bot_name}}.\nBe brief.\nAnswer in English.\nSign off.")
        #expect(rows.map(\.kind) == [.same, .changed, .same, .added])
        #expect(rows[1].left == "Be kind.")
        #expect(rows[1].right == "Be brief.")
        #expect(rows[1].leftNumber == 2 && rows[1].rightNumber == 2)
        #expect(rows[3].leftNumber == nil && rows[3].right == "Sign off." && rows[3].rightNumber == 4)
    }

    @Test func removalsKeepTheirLeftNumbers() {
        let rows = LineDiff.rows("a\nb\nc\nd", "a\nd")
        #expect(rows.map(\.kind) == [.same, .removed, .removed, .same])
        #expect(rows.map(\.leftNumber) == [1, 2, 3, 4])
        #expect(rows.map(\.rightNumber) == [1, nil, nil, 2])
    }

    @Test func identicalAndEmptyTexts() {
        #expect(LineDiff.rows("x\ny", "x\ny").allSatisfy { $0.kind == .same })
        #expect(LineDiff.rows("", "").isEmpty)
        #expect(LineDiff.rows("", "new").map(\.kind) == [.added])
    }
}
