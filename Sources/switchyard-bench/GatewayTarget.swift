import ArgumentParser

/// The gateway the load goes to, shared by the client subcommands.
struct GatewayTarget: ParsableArguments {
    @Option(help: "The gateway's base URL.")
    var url: String = "http://127.0.0.1:18300"

    @Option(help: "A bearer token.")
    var token: String

    @Option(help: "The model to ask for.")
    var model: String = "openai/gpt-4o-mini"

    /// `POST` here for chat completions.
    var completionsURL: String { url + "/v1/chat/completions" }
}
