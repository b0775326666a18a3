import ArgumentParser

/// Load tools for `scripts/bench/`: a fake OpenAI upstream that streams slowly, and many streaming clients that
/// measure the gaps between the chunks they receive. Not part of the service.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard-bench",
        abstract: "Benchmark helpers: a slow streaming upstream and a crowd of streaming clients.",
        subcommands: [StreamingUpstream.self, StreamClients.self, SteadyLoad.self])
}
