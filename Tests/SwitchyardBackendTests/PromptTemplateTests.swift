import Foundation
import SwitchyardBackend
import SwitchyardCore
import Testing

@Suite struct PromptTemplateTests {
    static let noon = Date(timeIntervalSince1970: 1_764_417_600)  // 2025-11-29 12:00 UTC, a Saturday

    func context(userZone: String? = nil, botZone: String? = nil, history: [StoredMessage] = []) -> PromptContext {
        PromptContext(
            bot: Bot(
                slug: "mira", name: "Mira", description: "a Vedic astrologer.", sceneDescription: "A courtyard.",
                timeZone: botZone),
            user: User(
                externalID: "u", name: "Asha", age: 31, gender: "female", timeZone: userZone, language: "hinglish",
                birthDate: "1994-03-02", birthTime: "06:15", birthPlace: "Pune"),
            message: "Will I travel?", history: history, now: Self.noon,
            appTimeZone: TimeZone(identifier: "America/New_York")!,
            languageInstructions: LanguageInstructions([
                LanguageInstruction(app: "*", language: "en", text: "English."),
                LanguageInstruction(app: "*", language: "hinglish", text: "Hinglish in Roman script."),
            ]), random: { _ in 3 })
    }

    @Test func everyRegistryVariableResolves() throws {
        let source = PromptVariable.allCases.map { "\($0.rawValue)=[{{\($0.rawValue)}}]" }.joined(separator: "\n")
        let template = try PromptTemplate(source: source, format: .text)
        #expect(template.variables == Set(PromptVariable.allCases))
        let history = [
            StoredMessage(sessionID: UUID(), role: .user, content: "Hello"),
            StoredMessage(sessionID: UUID(), role: .assistant, content: "Namaste"),
        ]
        let rendered = template.render(
            PromptVariableResolver.resolve(
                template.variables, context: context(userZone: "Asia/Kolkata", history: history)))
        let expected = [
            "bot_name=[Mira]", "bot_description=[a Vedic astrologer.]", "bot_scene_desc=[A courtyard.]",
            "user_name=[Asha]", "user_age=[31]", "user_gender=[female]", "user_message=[Will I travel?]",
            "conversation_history=[Asha: Hello\nMira: Namaste]", "user_astro_data=[born 1994-03-02 at 06:15 in Pune]",
            "current_time=[05:30 PM]", "current_date=[29 November 2025]", "day_of_week=[Saturday]",
            "random_number_1_4=[3]", "language_instruction=[Hinglish in Roman script.]",
            "response_length=[\(ResponseLengthTexts.defaults[.medium]!)]", "current_time_24h=[17:30]",
            "current_date_iso=[2025-11-29]", "user_memories=[]", "first_profile_kundli=[]", "second_profile_kundli=[]",
            "profile_details_1=[]", "profile_details_2=[]", "memories=[]", "weather=[]",
            "user_birth_details=[born 1994-03-02 at 06:15 in Pune]",
        ]
        #expect(rendered == expected.joined(separator: "\n"))
    }

    @Test(
        arguments: [
            ("Asia/Kolkata", nil, "05:30 PM"), (nil, "Asia/Tokyo", "09:00 PM"), (nil, nil, "07:00 AM"),
            ("Not/AZone", "Europe/London", "12:00 PM"),
        ] as [(String?, String?, String)])
    func timeUsesTheUsersThenTheBotsThenTheAppsZone(user: String?, bot: String?, expected: String) throws {
        let template = try PromptTemplate(source: "{{current_time}}", format: .text)
        let values = PromptVariableResolver.resolve(template.variables, context: context(userZone: user, botZone: bot))
        #expect(template.render(values) == expected)
    }

    @Test func onlyTheVariablesATemplateUsesAreResolved() throws {
        let template = try PromptTemplate(source: "Hi {{user_name}}", format: .text)
        let values = PromptVariableResolver.resolve(template.variables, context: context())
        #expect(Array(values.keys) == ["user_name"])
    }

    @Test func aMissingValueRendersEmptyAndNothingIsEscaped() throws {
        let template = try PromptTemplate(source: "[{{user_name}}] <{{bot_name}}> & co", format: .text)
        #expect(template.render(["bot_name": "R&D <bot>"]) == "[] <R&D <bot>> & co")
    }

    @Test(arguments: ["Hello {{user_nmae}}", "{{#bogus}}x{{/bogus}}", "{{{wat}}}"])
    func unknownVariablesAreRefused(source: String) {
        #expect(throws: PromptTemplateError.self) { try PromptTemplate(source: source, format: .text) }
    }

    @Test(arguments: ["{{#user_name}}never closed", "{{user_name", "{{#user_name}}x{{/bot_name}}"])
    func syntaxErrorsAreRefused(source: String) {
        #expect(throws: PromptTemplateError.self) { try PromptTemplate(source: source, format: .text) }
    }

    @Test func yamlSectionsKeepTheirOrderAndConditionsApply() throws {
        let yaml = """
            zeta: First, {{bot_name}}.
            alpha:
              when: conversation_history
              text: "Earlier: {{conversation_history}}"
            middle:
              unless: user_name
              text: You do not know the user's name.
            omega: Last.
            """
        let template = try PromptTemplate(source: yaml, format: .yaml, output: .text)
        #expect(template.sectionNames == ["zeta", "alpha", "middle", "omega"])
        #expect(template.render(["bot_name": "Mira"]) == "First, Mira.\n\nYou do not know the user's name.\n\nLast.")
        #expect(
            template.render(["bot_name": "Mira", "conversation_history": "A: hi", "user_name": "Asha"])
                == "First, Mira.\n\nEarlier: A: hi\n\nLast.")
    }

    @Test(arguments: [
        "- just\n- a list", "a: {{nope}}", "a:\n  text: x\n  when: not_a_variable", "a:\n  when: user_name",
        "a:\n  b: [{{nope}}]", "a:\n  \"{{user_name}}\": x", ": : :",
    ])
    func badYAMLPromptsAreRefused(source: String) {
        #expect(throws: PromptTemplateError.self) { try PromptTemplate(source: source, format: .yaml) }
    }

    @Test func theDemoPromptIsValid() throws {
        let template = try PromptTemplate(source: DemoSeed.prompt, format: .yaml)
        #expect(
            template.sectionNames == [
                "Role", "User Profile", "Query House Mapping", "Analysis Steps", "Response Format", "Guidelines",
                "Daily Context", "Today's Weather", "Past User Memories", "First Profile Kundli",
                "Second Profile Kundli",
            ])
        #expect(template.output == .yaml)
    }

    @Test func variantAssignmentIsStableAndFollowsTheWeights() {
        let a = UUID()
        let b = UUID()
        var counts = [a: 0, b: 0]
        for _ in 0..<4000 {
            let session = UUID()
            let pick = VariantAssignment.pick([(a, 1), (b, 3)], sessionID: session)
            #expect(pick == VariantAssignment.pick([(b, 3), (a, 1)], sessionID: session))
            counts[pick!, default: 0] += 1
        }
        #expect((800...1200).contains(counts[a]!))
        #expect(VariantAssignment.pick([(a, 0)], sessionID: UUID()) == nil)
    }

    @Test(arguments: [("Mira", "mira"), ("  Dr. Rāhu & Ketu!  ", "dr-rahu-ketu"), ("???", "bot")])
    func slugs(name: String, slug: String) {
        #expect(Slug.make(from: name) { _ in false } == slug)
        #expect(Slug.make(from: name) { $0 == slug || $0 == "\(slug)-2" } == "\(slug)-3")
    }
}
