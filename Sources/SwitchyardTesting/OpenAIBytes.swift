import Foundation

/// The exact bodies the OpenAI-protocol providers send (`shared/providers.md`).
public enum OpenAIBytes {
    static let openAIFields: Set<String> = [
        "model", "messages", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed", "user",
        "stream", "stream_options", "n", "presence_penalty", "frequency_penalty", "tools", "tool_choice",
        "response_format", "logprobs", "top_logprobs", "logit_bias", "parallel_tool_calls", "service_tier",
    ]

    static let mistralFields: Set<String> = [
        "model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop", "random_seed", "response_format",
        "tools", "tool_choice", "presence_penalty", "frequency_penalty", "n", "parallel_tool_calls", "safe_prompt",
        "prompt_mode", "reasoning_effort", "metadata", "prediction",
    ]

    static func escape(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text])
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    /// Token counts the fake reports: words of the answer, and a fixed prompt of 11.
    public static func usage(for text: String) -> (prompt: Int, completion: Int) {
        (11, text.split(separator: " ").count)
    }

    static func completion(text: String, model: String) -> String {
        let (prompt, completion) = usage(for: text)
        return """
            {"id":"chatcmpl-fake0001","object":"chat.completion","created":1732867200,"model":\(escape(model)),\
            "system_fingerprint":"fp_fake","choices":[{"index":0,"message":{"role":"assistant","content":\(escape(text)),\
            "refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":\(prompt),\
            "completion_tokens":\(completion),"total_tokens":\(prompt + completion),"prompt_tokens_details":\
            {"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}
            """
    }

    static func chunks(text: String, model: String, includeUsage: Bool, flavor: FakeOpenAIUpstream.Flavor) -> [String] {
        let usageNull = includeUsage ? ",\"usage\":null" : ""
        func chunk(_ delta: String, finish: String?) -> String {
            let finishText = finish.map { "\"\($0)\"" } ?? "null"
            return "data: {\"id\":\"chatcmpl-fake0001\",\"object\":\"chat.completion.chunk\",\"created\":1732867200,"
                + "\"model\":\(escape(model)),\"choices\":[{\"index\":0,\"delta\":\(delta),\"logprobs\":null,"
                + "\"finish_reason\":\(finishText)}]\(usageNull)}\n\n"
        }
        var frames = [chunk("{\"role\":\"assistant\",\"content\":\"\"}", finish: nil)]
        let words = text.split(separator: " ")
        for (index, word) in words.enumerated() {
            frames.append(chunk("{\"content\":\(escape(index == 0 ? String(word) : " " + word))}", finish: nil))
        }
        frames.append(chunk("{}", finish: "stop"))
        if includeUsage {
            let (prompt, completion) = usage(for: text)
            frames.append(
                "data: {\"id\":\"chatcmpl-fake0001\",\"object\":\"chat.completion.chunk\",\"created\":1732867200,"
                    + "\"model\":\(escape(model)),\"choices\":[],\"usage\":{\"prompt_tokens\":\(prompt),"
                    + "\"completion_tokens\":\(completion),\"total_tokens\":\(prompt + completion)}}\n\n")
        }
        frames.append("data: [DONE]\n\n")
        return frames
    }

    static func authError(flavor: FakeOpenAIUpstream.Flavor) -> String {
        switch flavor {
        case .openrouter: #"{"error":{"code":401,"message":"No auth credentials found"}}"#
        case .mistral:
            #"{"object":"error","message":"Unauthorized","type":"invalid_request_error","param":null,"code":null}"#
        case .byteplus:
            byteplusError(code: "AuthenticationError", message: "the API key in the request is missing or invalid")
        default:
            #"{"error":{"message":"Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
        }
    }

    static func invalid(flavor: FakeOpenAIUpstream.Flavor, message: String) -> String {
        switch flavor {
        case .openrouter: #"{"error":{"code":400,"message":\#(escape(message))}}"#
        case .mistral:
            #"{"object":"error","message":\#(escape(message)),"type":"invalid_request_error","param":null,"code":null}"#
        case .byteplus: byteplusError(code: "InvalidParameter", message: message)
        default: #"{"error":{"message":\#(escape(message)),"type":"invalid_request_error","param":null,"code":null}}"#
        }
    }

    static func mistralExtraForbidden(_ field: String) -> String {
        #"{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body",\#(escape(field))],"msg":"Extra inputs are not permitted","input":null}]},"type":"invalid_request_error","param":null,"code":null}"#
    }

    /// A BytePlus ModelArk error body.
    public static func byteplusError(code: String, message: String) -> String {
        #"{"error":{"code":\#(escape(code)),"message":\#(escape(message + " Request id: 0217000000000000000")),"param":"","type":"BadRequest"}}"#
    }

    /// An OpenAI error body.
    public static func openAIError(message: String, type: String, code: String?) -> String {
        let codeText = code.map(escape) ?? "null"
        return #"{"error":{"message":\#(escape(message)),"type":\#(escape(type)),"param":null,"code":\#(codeText)}}"#
    }

    /// An OpenRouter error body, with its numeric code.
    public static func openRouterError(code: Int, message: String, metadata: String? = nil) -> String {
        let meta = metadata.map { ",\"metadata\":\($0)" } ?? ""
        return #"{"error":{"code":\#(code),"message":\#(escape(message))\#(meta)}}"#
    }
}
