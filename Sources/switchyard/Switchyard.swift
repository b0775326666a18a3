import ArgumentParser
import Dispatch
import Foundation
import NIOCore
import NIOPosix
import SwitchyardHTTP
import SwitchyardServer

/// The entry point. Swift concurrency is moved onto NIO's event loops before anything async runs, so the HTTP
/// server, the upstream client and the handlers share threads instead of hopping between two thread pools.
@main
enum Entry {
    static func main() {
        if let text = ProcessInfo.processInfo.environment["SWITCHYARD_THREADS"], let count = Int(text), count > 0 {
            NIOSingletons.groupLoopCountSuggestion = count
        }
        switch ProcessInfo.processInfo.environment["SWITCHYARD_EXECUTOR"] {
        case "pool": break
        case "generic": EventLoopConcurrency.install()
        case "takeover": _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        default:
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            EventLoopTaskExecutor.connectionsPreferTheirLoops = true
        }
        Task {
            await Switchyard.main()
            LogOutput.standardError.flush()
            exit(0)
        }
        dispatchMain()
    }
}

struct Switchyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "An LLM gateway and chat backend.",
        subcommands: [Serve.self, Migrate.self, Seed.self, Token.self],
        defaultSubcommand: Serve.self)
}

extension ServerRole: ExpressibleByArgument {}
