import Foundation
import SwitchyardCore
import Testing
import Yams

@testable import SwitchyardBackend

/// Structured prompts as the reference sends them: nested YAML rendered as YAML (or JSON, or text), the reference's
/// time formats, language instructions by app and language, response lengths, and sanitized user text.
@Suite struct StructuredPromptTests {
    /// Which strings the YAML writer leaves plain, on its ASCII fast path and on the scalar path alike.
    @Test(arguments: [
        ("Aries rising", true), ("a:b", true), ("1,2", true), ("Mercury (R)", true), ("héllo wörld", true),
        ("a #b", false), ("a: b", false), ("ends with:", false), (" lead", false), ("trail ", false),
        ("tab\there", false),
        ("yes", false), ("Null", false), ("12", false), ("-dash", false), ("#tag", false), ("", false),
        ("é #x", false), ("é: x", false), ("ça\u{7F}", false), ("line\nbreak", false), ("2026-12-02", false),
    ])
    func plainScalars(text: String, plain: Bool) {
        #expect(PromptWriter.isPlainSafe(text) == plain, "\(text)")
    }

    /// A parsed document as a plain ordered tree, so that YAML and JSON renderings compare.
    indirect enum Tree: Equatable, CustomStringConvertible {
        case scalar(String)
        case list([Tree])
        case map([String], [Tree])

        init(_ node: Node) {
            switch node {
            case .scalar(let scalar): self = .scalar(scalar.string)
            case .sequence(let sequence): self = .list(sequence.map(Tree.init))
            case .mapping(let mapping):
                self = .map(mapping.keys.map { $0.string ?? "?" }, mapping.values.map(Tree.init))
            }
        }

        subscript(_ key: String) -> Tree? {
            guard case .map(let keys, let values) = self, let index = keys.firstIndex(of: key) else { return nil }
            return values[index]
        }

        var keys: [String] {
            if case .map(let keys, _) = self { return keys }
            return []
        }

        var description: String {
            switch self {
            case .scalar(let text): text
            case .list(let items): "\(items)"
            case .map(let keys, let values): "\(Array(zip(keys, values.map(\.description))))"
            }
        }
    }

    static let asha = User(
        externalID: "u", name: "Asha", age: 31, gender: "female", timeZone: "Asia/Kolkata", language: "hi",
        birthDate: "1994-03-02", birthTime: "06:15", birthPlace: "Pune")
    /// 2026-01-15 09:15 UTC: 02:45 PM on a Thursday in Kolkata.
    static let thursdayAfternoon = Date(timeIntervalSince1970: 1_768_468_500)

    func mira(user: User = asha, now: Date = thursdayAfternoon) -> PromptContext {
        PromptContext(
            bot: Bot(
                slug: "mira", name: "Mira", description: "a Vedic astrologer.", sceneDescription: "A courtyard.",
                metadata: ["response_length": .string("short")]),
            user: user, message: "When will I marry?", history: [], now: now,
            appTimeZone: TimeZone(identifier: "UTC")!, random: { _ in 2 })
    }

    func render(_ source: String, _ output: PromptOutput? = nil, context: PromptContext) throws -> String {
        let template = try PromptTemplate(source: source, format: .yaml, output: output)
        return template.render(PromptVariableResolver.resolve(template.variables, context: context))
    }

    @Test func miraIsSentAsYAMLThatParsesBackIntoTheSameNestedStructure() throws {
        let rendered = try render(DemoSeed.prompt, context: mira())
        let tree = Tree(try #require(try Yams.compose(yaml: rendered)))
        // Conditional sections whose data is absent are left out; the rest keep their written order.
        #expect(
            tree.keys == [
                "Role", "User Profile", "Query House Mapping", "Analysis Steps", "Response Format", "Guidelines",
                "Daily Context",
            ])
        #expect(tree["Query House Mapping"]?["Marriage"]?["Houses To Analyze"] == .scalar("7, 2, 11, 8"))
        #expect(tree["Query House Mapping"]?.keys == ["Marriage", "Career", "Health", "Finance"])
        guard case .list(let instructions)? = tree["Response Format"]?["Response Instructions"] else {
            Issue.record("Response Instructions is not a list: \(rendered)")
            return
        }
        #expect(instructions.count == 4)
        #expect(tree["Response Format"]?["Length"] == .scalar(ResponseLengthTexts.defaults[.short]!))
        #expect(
            tree["Response Format"]?["Language"]
                == .scalar(LanguageInstructions.defaults.instruction(app: nil, language: "hi")))
        #expect(tree["User Profile"]?["Age"] == .scalar("31"))
        #expect(tree["Daily Context"]?["Time"] == .scalar("02:45 PM"))
        #expect(tree["Role"] == .scalar("You are Mira, a Vedic astrologer. A courtyard."))
        // A string that looks like a number stays a string for a YAML reader.
        let typed = try #require(try Yams.load(yaml: rendered) as? [String: Any])
        #expect((typed["User Profile"] as? [String: Any])?["Age"] as? String == "31")
    }

    @Test func theJSONOutputIsTheSameStructureAsJSONText() throws {
        let yaml = Tree(try #require(try Yams.compose(yaml: try render(DemoSeed.prompt, context: mira()))))
        let json = try render(DemoSeed.prompt, .json, context: mira())
        #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any])
        // JSON is YAML, so the same reader gives the same ordered tree.
        #expect(Tree(try #require(try Yams.compose(yaml: json))) == yaml)
    }

    @Test func typedLiteralsStayTypedAndTextOutputIndentsNestedSections() throws {
        let source = """
            Limits:
              Max Sentences: 4
              Use Emoji: false
            Facts:
              - "{{user_name}} likes tea"
              - nested:
                  deep: "{{bot_name}}"
            Closing: Bye.
            """
        let json = try render(source, .json, context: mira())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((object["Limits"] as? [String: Any])?["Max Sentences"] as? Int == 4)
        #expect((object["Limits"] as? [String: Any])?["Use Emoji"] as? Bool == false)
        let text = try render(source, .text, context: mira())
        #expect(
            text == """
                Limits:
                  Max Sentences: 4
                  Use Emoji: false

                Facts:
                  - Asha likes tea
                  -
                    nested:
                      deep: Mira

                Bye.
                """)
    }

    @Test func aTextTemplateCannotBeSentAsStructure() {
        #expect(throws: PromptTemplateError.self) {
            try PromptTemplate(source: "Hi {{user_name}}", format: .text, output: .json)
        }
    }

    @Test(
        arguments: [
            (1_768_468_500, "02:45 PM", "15 January 2026", "Thursday"),
            (1_767_551_700, "12:05 AM", "05 January 2026", "Monday"),
        ] as [(Int, String, String, String)])
    func timeVariablesUseTheReferenceFormats(epoch: Int, time: String, date: String, day: String) throws {
        let context = mira(now: Date(timeIntervalSince1970: TimeInterval(epoch)))
        let template = try PromptTemplate(
            source: "{{current_time}}|{{current_date}}|{{day_of_week}}|{{current_time_24h}}", format: .text)
        let rendered = template.render(PromptVariableResolver.resolve(template.variables, context: context))
        let parts = rendered.split(separator: "|").map(String.init)
        #expect(Array(parts.prefix(3)) == [time, date, day])
        #expect(parts[3].count == 5 && parts[3].contains(":"))
    }

    @Test func languageInstructionsAreKeyedByAppAndLanguageWithDefaults() {
        let table = LanguageInstructions.defaults.merging([
            LanguageInstruction(app: "kundli-app", language: "en", text: "British English."),
            LanguageInstruction(app: "kundli-app", language: "*", text: "Tamil."),
        ])
        #expect(table.instruction(app: "kundli-app", language: "en") == "British English.")
        #expect(table.instruction(app: "other", language: "en") == "Modern English language.")
        #expect(table.instruction(app: "kundli-app", language: "fr") == "Tamil.")
        #expect(table.instruction(app: nil, language: "hi") == "Modern Hindi language, written in Devanagari font.")
        let hinglish = "Modern Hindi language, written in Roman font. Do not use Devanagari font."
        #expect(table.instruction(app: nil, language: "hinglish") == hinglish)
        #expect(table.instruction(app: nil, language: nil) == hinglish)
        #expect(table.instruction(app: "other", language: "fr") == hinglish)
    }

    @Test func responseLengthIsTheUsersPreferenceElseTheBots() throws {
        let template = try PromptTemplate(source: "{{response_length}}", format: .text)
        var user = Self.asha
        #expect(
            template.render(PromptVariableResolver.resolve(template.variables, context: mira(user: user)))
                == ResponseLengthTexts.defaults[.short])
        user.responseLength = .long
        #expect(
            template.render(PromptVariableResolver.resolve(template.variables, context: mira(user: user)))
                == ResponseLengthTexts.defaults[.long])
    }

    @Test func userTextIsSanitizedAndItsTemplateSyntaxStaysLiteral() throws {
        var user = Self.asha
        user.name = "  {{bot_name}}\u{07}\nthe\u{202E}great \t"
        user.birthPlace = String(repeating: "Pune ", count: 100)
        let text = try PromptTemplate(source: "Hello {{user_name}} from {{user_astro_data}}.", format: .text)
        let rendered = text.render(PromptVariableResolver.resolve(text.variables, context: mira(user: user)))
        #expect(rendered.hasPrefix("Hello {{bot_name}} thegreat from born 1994-03-02 at 06:15 in Pune Pune"))
        #expect(!rendered.contains("Mira"))
        #expect(rendered.count < 220)
        let yaml = try render("Profile:\n  Name: \"{{user_name}}\"", context: mira(user: user))
        let tree = Tree(try #require(try Yams.compose(yaml: yaml)))
        #expect(tree["Profile"]?["Name"] == .scalar("{{bot_name}} thegreat"))
    }

    /// Whatever a string holds, the YAML written for it reads back as that same string, as a value, a key and a
    /// list item, and the common case stays plain.
    @Test(arguments: [
        "31", "-7", "+1", "0x1F", "1e3", ".5", "3.14", "2026-01-15", "2001-12-14 21:59:43.10 -5", "yes", "No", "ON",
        "off", "TRUE", "false", "null", "Null", "~", "<<", "=", "Asha", "Never predict", "On the way", "true story",
        "7, 2, 11, 8", "-", "- item", ".hidden", "Yesterday", "y", "n", "yEs", "a: b", "a #b", "a#b", "key:", "#x",
        "@me", "`tick`", "'quoted'", "\"dq\"", "back\\slash", "tab\there", " lead", "trail ", "[1, 2]", "{a: b}",
        "? q", "!tag", "&anchor", "*alias", "|pipe", ">fold", "%pct", "नमस्ते दुनिया", "emoji 🙂", "nul\u{0}x",
        "bell\u{7}", "nel\u{85}x", "ls\u{2028}x", "bom\u{FEFF}x", "two\nlines", "  indented\nblock", "a\n  b\n\nc",
        "ends\n", "\nstarts", "line \nwith trailing", "---", "...", "a\n---\nb", "x\r\ny",
    ])
    func everyStringReadsBackAsItself(text: String) throws {
        let document: RenderedPrompt = .mapping([
            .init(key: "value", value: .string(text)), .init(key: text, value: .string("as key")),
            .init(key: "list", value: .sequence([.string(text), .mapping([.init(key: "k", value: .string(text))])])),
        ])
        let yaml = PromptWriter.yaml(document)
        let parsed = try #require(try Yams.load(yaml: yaml) as? [String: Any], "\(yaml)")
        #expect(parsed["value"] as? String == text, "\(yaml)")
        #expect(parsed[text] as? String == "as key", "\(yaml)")
        let list = parsed["list"] as? [Any]
        #expect(list?.first as? String == text, "\(yaml)")
        #expect((list?.last as? [String: Any])?["k"] as? String == text, "\(yaml)")
        if ["Asha", "Never predict", "7, 2, 11, 8", "नमस्ते दुनिया", "a#b"].contains(text) {
            #expect(yaml.hasPrefix("value: \(text)\n"), "plain when plain reads back the same")
        }
    }
}

extension StructuredPromptTests {
    /// Parts without variables or conditions are rendered once, at compile time, and the result is the same.
    @Test func staticPartsAreRenderedOnceAndTheResultIsTheSame() throws {
        let template = try PromptTemplate(source: DemoSeed.prompt, format: .yaml)
        guard case .mapping(let entries) = template.root else {
            Issue.record("the root holds variables, so it is not fixed")
            return
        }
        let fixed = entries.filter(\.node.isFixed).compactMap(\.key)
        #expect(fixed == ["Query House Mapping", "Analysis Steps"])
        let source = try #require(try Yams.compose(yaml: DemoSeed.prompt))
        let expected = Tree(source)["Query House Mapping"]
        let rendered = Tree(try #require(try Yams.compose(yaml: try render(DemoSeed.prompt, context: mira()))))
        #expect(rendered["Query House Mapping"] == expected)
        let allStatic = try PromptTemplate(source: "A:\n  B: [1, two]\nC: x", format: .yaml)
        #expect(allStatic.sectionNames == ["A", "C"])
        #expect(allStatic.render([:]) == "A:\n  B:\n  - 1\n  - two\nC: x")
    }
}

extension StructuredPromptTests {
    static let chart = PromptData.fields([
        .init("Ascendant", .text("Leo")),
        .init(
            "Planets",
            .list([
                .fields([.init("name", .text("Sun")), .init("sign", .text("Aquarius")), .init("house", .text("7"))]),
                .fields([.init("name", .text("Moon")), .init("retrograde", .text("no"))]),
            ])),
        .init("Summary", .text("Two lines:\nthe second")),
    ])

    /// A cached value (a chart) keeps its written forms across turns: written once per form and place, and what is
    /// kept reads back as the value wherever the template puts it (three depths, as a list item), as YAML and JSON.
    @Test(arguments: [PromptOutput.yaml, .json])
    func aKeptValueIsWrittenOncePerPlaceAndReadsBackAsTheValue(output: PromptOutput) throws {
        let source = """
            Top: "{{user_astro_data}}"
            Nested:
              Deeper:
                Deepest: "{{user_astro_data}}"
            List:
            - "{{user_astro_data}}"
            - after
            """
        let template = try PromptTemplate(source: source, format: .yaml, output: output)
        let fragment = PromptFragment(Self.chart)
        let first = template.render([:], fragments: ["user_astro_data": fragment])
        let again = template.render([:], fragments: ["user_astro_data": fragment])
        #expect(again == first)
        #expect(template.render([:], structured: ["user_astro_data": Self.chart]) == first)
        let tree = Tree(try #require(try Yams.compose(yaml: first)))
        let expected = Tree(try #require(try Yams.compose(yaml: PromptWriter.yaml(RenderedPrompt(Self.chart)))))
        #expect(tree["Top"] == expected)
        #expect(tree["Nested"]?["Deeper"]?["Deepest"] == expected)
        #expect(tree["List"] == .list([expected, .scalar("after")]))

        var writes = 0
        // The two keyed places: YAML at the top level and three levels down; JSON one level deeper each (inside `{`).
        let (format, places): (PromptFragment.Format, [String]) =
            output == .json ? (.json, ["  ", "      "]) : (.yamlValue, ["", "    "])
        for indent in places + places {
            _ = fragment.written(format, indent: indent) { _, text in
                writes += 1
                text = "fresh"
            }
        }
        #expect(writes == 0, "both places were written by the renders above and kept")
        _ = fragment.written(format, indent: "        ") { _, _ in writes += 1 }
        _ = fragment.written(format, indent: "        ") { _, _ in writes += 1 }
        #expect(writes == 1, "a new place is written once, then kept")
    }
}
