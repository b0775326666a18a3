import Foundation
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// The backend's dependencies, wired by the composition root.
public struct BackendDependencies: Sendable {
    public var bots: any BotRepository
    public var configs: any LLMConfigRepository
    public var prompts: any PromptRepository
    public var users: any UserRepository
    public var chats: any ChatRepository
    /// The call records, for the usage figures.
    public var usage: (any UsageRepository)?
    public var wallets: any WalletRepository
    public var chat: ChatService
    public var userTokens: UserTokenVerifier
    public var adminKey: Secret
    /// The provider ids the gateway knows, for validating saved configs.
    public var knownProviders: Set<String>
    /// The gateway's route names, for configs that name a route.
    public var knownRoutes: Set<String>
    /// The admin API's language instructions, and the table turns read them through (told of edits).
    public var languageInstructions: any LanguageInstructionRepository
    public var languageTable: LanguageInstructionTable
    public var maximumBodyBytes: Int
    /// Saved birth profiles; their routes exist only with a store for them.
    public var profiles: (any BirthProfileRepository)?
    /// Memories per user and bot; their routes exist only with a store for them.
    public var memories: (any MemoryRepository)?

    public init(
        bots: any BotRepository, configs: any LLMConfigRepository, prompts: any PromptRepository,
        users: any UserRepository, chats: any ChatRepository, wallets: any WalletRepository, chat: ChatService,
        userTokens: UserTokenVerifier,
        adminKey: Secret, knownProviders: Set<String>, knownRoutes: Set<String> = [],
        languageInstructions: any LanguageInstructionRepository, languageTable: LanguageInstructionTable,
        usage: (any UsageRepository)? = nil, maximumBodyBytes: Int = 1 << 20,
        profiles: (any BirthProfileRepository)? = nil, memories: (any MemoryRepository)? = nil
    ) {
        self.profiles = profiles
        self.memories = memories
        self.usage = usage
        self.knownRoutes = knownRoutes
        self.languageInstructions = languageInstructions
        self.languageTable = languageTable
        self.bots = bots
        self.configs = configs
        self.prompts = prompts
        self.users = users
        self.chats = chats
        self.wallets = wallets
        self.chat = chat
        self.userTokens = userTokens
        self.adminKey = adminKey
        self.knownProviders = knownProviders
        self.maximumBodyBytes = maximumBodyBytes
    }
}

/// Registers the admin API (admin key) and the user API (user tokens).
public enum BackendRoutes {
    /// - Returns: The routes registered, as `METHOD /path`.
    @discardableResult
    public static func register<Context: UserAuthenticatedContext>(
        on router: Router<Context>, dependencies: BackendDependencies
    ) -> [String] {
        let log = RouteLog()
        let admin = RouteRegistrar(
            methods: router.group().add(middleware: AdminKeyMiddleware<Context>(key: dependencies.adminKey)), log: log)
        AdminBotsController<Context>(
            bots: dependencies.bots, users: dependencies.users, limit: dependencies.maximumBodyBytes
        ).register(on: admin)
        AdminConfigsController<Context>(
            bots: dependencies.bots, configs: dependencies.configs, prompts: dependencies.prompts,
            knownProviders: dependencies.knownProviders, knownRoutes: dependencies.knownRoutes,
            limit: dependencies.maximumBodyBytes
        ).register(on: admin)
        AdminPromptsController<Context>(
            prompts: dependencies.prompts, limit: dependencies.maximumBodyBytes
        ).register(on: admin)
        AdminLanguagesController<Context>(
            instructions: dependencies.languageInstructions, table: dependencies.languageTable,
            limit: dependencies.maximumBodyBytes
        ).register(on: admin)
        AdminSessionsController<Context>(chats: dependencies.chats).register(on: admin)
        if let usage = dependencies.usage {
            AdminUsageController<Context>(usage: usage, bots: dependencies.bots).register(on: admin)
        }
        if let memories = dependencies.memories {
            AdminMemoriesController<Context>(bots: dependencies.bots, memories: memories).register(on: admin)
        }
        AdminWalletsController<Context>(
            users: dependencies.users, wallets: dependencies.wallets, limit: dependencies.maximumBodyBytes
        ).register(on: admin)
        let users = RouteRegistrar(
            methods: router.group().add(
                middleware: UserAuthMiddleware<Context>(verifier: dependencies.userTokens, users: dependencies.users)),
            log: log)
        UserController<Context>(
            bots: dependencies.bots, users: dependencies.users, chats: dependencies.chats, chat: dependencies.chat,
            limit: dependencies.maximumBodyBytes
        ).register(on: users)
        UserBillingController<Context>(
            chats: dependencies.chats, wallets: dependencies.wallets,
            sessionIdleMinutes: dependencies.chat.settings.sessionIdleMinutes
        ).register(on: users)
        if let profiles = dependencies.profiles {
            ProfilesController<Context>(
                profiles: profiles, externalData: dependencies.chat.externalData, limit: dependencies.maximumBodyBytes
            ).register(on: users)
        }
        if let memories = dependencies.memories {
            MemoriesController<Context>(
                bots: dependencies.bots, memories: memories, limit: dependencies.maximumBodyBytes
            ).register(on: users)
        }
        return log.routes
    }
}
