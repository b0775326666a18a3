import FluentKit

/// The numbered, append-only migrations, in order. Add new ones at the end; never edit a shipped one.
enum SwitchyardMigrations {
    static let all: [any Migration] = [
        M001CreateUsers(), M002CreateBots(), M003CreateLLMConfigs(), M004CreatePrompts(), M005CreateChat(),
        M006IndexChatLookups(), M007SessionOpeningKey(), M008CreateBilling(), M009PromptsAndConfigs(),
        M010CallRecords(), M011FailedTurns(), M012ExternalData(),
    ]
}
