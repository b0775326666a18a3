import ArgumentParser
import SwitchyardServer

@main
struct Switchyard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "An LLM gateway and chat backend.",
        subcommands: [Serve.self, Token.self],
        defaultSubcommand: Serve.self)
}

extension ServerRole: ExpressibleByArgument {}
