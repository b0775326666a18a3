import Foundation
import HTTPTypes
import Hummingbird
import SwitchyardCore
import SwitchyardHTTP

/// The console's dependencies: the admin API's repositories, and what the console alone reads.
public struct ConsoleDependencies: Sendable {
    public var backend: BackendDependencies
    public var directory: any AdminDirectory
    /// Whether the console is served over TLS: its cookie is then `Secure` (also when a proxy says
    /// `X-Forwarded-Proto: https`).
    public var secureCookies: Bool
    /// How long a sign-in lasts.
    public var sessionLifetime: TimeInterval

    /// - Parameters:
    ///   - backend: The backend's dependencies (the same repositories and validation as the admin API).
    ///   - directory: User search and session lists.
    ///   - secureCookies: Whether the server terminates TLS.
    ///   - sessionLifetime: How long a sign-in lasts, 8 hours by default.
    public init(
        backend: BackendDependencies, directory: any AdminDirectory, secureCookies: Bool,
        sessionLifetime: TimeInterval = 8 * 3600
    ) {
        self.backend = backend
        self.directory = directory
        self.secureCookies = secureCookies
        self.sessionLifetime = sessionLifetime
    }
}

/// The operator console under `/console`: server-rendered HTML, every action a plain form post. Adding a page is a
/// template under `Console/Templates` and a controller registered here.
public enum ConsoleRoutes {
    /// Registers the console's pages on `router`.
    public static func register<Context: RemoteAddressRequestContext>(
        on router: Router<Context>, dependencies: ConsoleDependencies
    ) async throws {
        let renderer = try await ConsoleRenderer.load()
        let sessions = ConsoleSessions(
            adminKey: dependencies.backend.adminKey, lifetime: dependencies.sessionLifetime)
        let console = ConsoleRouter(
            group: router.group("/console"), sessions: sessions, renderer: renderer,
            limit: dependencies.backend.maximumBodyBytes)
        let backend = dependencies.backend
        ConsoleAssets(renderer: renderer).register(on: console.group)
        ConsoleSignIn<Context>(
            sessions: sessions, renderer: renderer, throttle: SignInThrottle(),
            adminKey: AdminKeyCheck(backend.adminKey),
            secureCookies: dependencies.secureCookies, limit: backend.maximumBodyBytes
        ).register(on: console)
        let bots = AdminBotsController<Context>(bots: backend.bots, users: backend.users, limit: 0)
        let configs = AdminConfigsController<Context>(
            bots: backend.bots, configs: backend.configs, prompts: backend.prompts,
            knownProviders: backend.knownProviders, knownRoutes: backend.knownRoutes, limit: 0)
        ConsoleBotsController<Context>(
            api: bots, bots: backend.bots, configs: backend.configs, directory: dependencies.directory,
            renderer: renderer
        ).register(on: console)
        ConsoleConfigsController<Context>(
            api: configs, bots: backend.bots, configs: backend.configs, prompts: backend.prompts, renderer: renderer
        ).register(on: console)
        ConsolePromptsController<Context>(
            api: AdminPromptsController<Context>(prompts: backend.prompts, limit: 0), prompts: backend.prompts,
            renderer: renderer
        ).register(on: console)
        ConsoleUsersController<Context>(
            api: AdminWalletsController<Context>(users: backend.users, wallets: backend.wallets, limit: 0),
            directory: dependencies.directory, wallets: backend.wallets, bots: backend.bots, renderer: renderer
        ).register(on: console)
        ConsoleSessionsController<Context>(
            chats: backend.chats, directory: dependencies.directory, bots: backend.bots, users: backend.users,
            renderer: renderer
        ).register(on: console)
        if let usage = backend.usage {
            ConsoleDashboardController<Context>(usage: usage, bots: backend.bots, renderer: renderer).register(
                on: console)
        }
        console.page("") { _ in .redirect(to: "/console/dashboard") }
    }
}

/// The stylesheet and script, cached by browsers for an hour.
struct ConsoleAssets: Sendable {
    let renderer: ConsoleRenderer

    func register<Context: RequestContext>(on group: RouterGroup<Context>) {
        group.get("/assets/console.css") { _, _ in
            Self.asset(renderer.stylesheet, type: "text/css; charset=utf-8")
        }
        group.get("/assets/console.js") { _, _ in
            Self.asset(renderer.script, type: "text/javascript; charset=utf-8")
        }
    }

    static func asset(_ buffer: ByteBuffer, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "public, max-age=3600",
                HTTPField.Name("x-content-type-options")!: "nosniff",
            ], body: .init(byteBuffer: buffer))
    }
}
