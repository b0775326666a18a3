#!/usr/bin/env python3
"""Writes Sources/SwitchyardGateway/Resources/openapi.json. Edit this file, run it, and commit both.
A test checks that the document and the router agree."""
import json, pathlib

ref = lambda name: {"$ref": f"#/components/schemas/{name}"}
err = lambda desc: {"description": desc, "content": {"application/json": {"schema": ref("Error")}}}
json_body = lambda name: {"required": True, "content": {"application/json": {"schema": ref(name)}}}
ok = lambda name, desc="OK": {"description": desc, "content": {"application/json": {"schema": ref(name)}}}
auth_errors = {"401": err("Missing, malformed, expired or unverifiable service token.")}
cache_control = {"name": "Cache-Control", "in": "header", "required": False, "schema": {"type": "string"},
                 "description": "On a route with `cache`: `no-cache` answers without the cache and keeps the new answer; `no-store` neither reads nor writes it"}
rate_headers = {
    "x-ratelimit-limit-requests": {"description": "When a gateway rate limit applies to the caller (`rate_limits`): the requests per minute of the tightest bucket it met (its service's or its `user`'s; per replica)", "schema": {"type": "string"}},
    "x-ratelimit-remaining-requests": {"description": "Whole requests that bucket would let through at once now", "schema": {"type": "string"}},
    "x-ratelimit-reset-requests": {"description": "Until that bucket is full again, as OpenAI writes it (`100ms`, `1.5s`, `6m0s`)", "schema": {"type": "string"}},
    "x-ratelimit-limit-tokens": {"description": "When a gateway token limit applies to the caller (`tokens_per_minute`): the tokens per minute of the tightest token bucket it met (per replica)", "schema": {"type": "string"}},
    "x-ratelimit-remaining-tokens": {"description": "Whole tokens left in that bucket before this request's own answer is charged (0 in debt)", "schema": {"type": "string"}},
    "x-ratelimit-reset-tokens": {"description": "Until that token bucket is full again, as OpenAI writes it", "schema": {"type": "string"}},
}
gen_errors = {
    "400": err("Invalid input (malformed JSON, missing field, out-of-range parameter, unknown provider), or a provider rejected the request as invalid, too long or filtered."),
    "404": err("Unknown model or route."),
    "413": err("Body over the size limit."),
    "429": {**err("Every target was rate limited (`code` rate_limit_exceeded; Retry-After is set when known), or this service or the request's `user` is over the gateway's own rate limit, of requests or of tokens (`code` rate_limited, Retry-After and the x-ratelimit headers set; no provider was called)."), "headers": rate_headers},
    "502": err("Every provider failed."),
    "503": err("No provider of the chain is configured, or all are overloaded; or this replica is shutting down (`code` shutting_down, `Retry-After` set)."),
    "504": err("The request deadline passed."),
    **auth_errors,
}

doc = {
    "openapi": "3.1.0",
    "info": {"title": "Switchyard gateway", "version": "0.1.0",
             "description": "LLM gateway: fallback chains across providers, an OpenAI-compatible surface, and the internal generate payload."},
    "servers": [{"url": "http://127.0.0.1:8080"}],
    "components": {
        "securitySchemes": {"adminKey": {"type": "http", "scheme": "bearer", "description": "SWITCHYARD_ADMIN_KEY"},
                            "userToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "HS256 with SWITCHYARD_USER_JWT_SECRET; sub = the user's external id"},
                            "serviceToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                             "description": "HS256 (SWITCHYARD_JWT_SECRET) or configured RS256/ES256 keys; claims exp and service required. `Authorization: jwt <token>` is accepted too."}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["message", "type"], "properties": {
                "message": {"type": "string"}, "type": {"type": "string"}, "param": {"type": ["string", "null"]}, "code": {"type": ["string", "null"]},
                "missing_fields": {"type": "array", "items": {"type": "string"}, "description": "With `code` profile_incomplete: the profile fields the bot requires that the user lacks."},
                "attempts": {"type": "array", "items": ref("Attempt"), "description": "On `POST /v1/generate/` when the chain failed: the attempts made, as in a successful answer."}}}}},
            "Message": {"type": "object", "required": ["role", "content"], "properties": {
                "role": {"type": "string", "enum": ["system", "developer", "user", "assistant", "tool"]},
                "content": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "object", "required": ["type", "text"], "properties": {"type": {"const": "text"}, "text": {"type": "string"}}}}]}}},
            "Usage": {"type": "object", "required": ["prompt_tokens", "completion_tokens", "total_tokens"], "properties": {
                "prompt_tokens": {"type": "integer"}, "completion_tokens": {"type": "integer"}, "total_tokens": {"type": "integer"},
                "prompt_tokens_details": {"type": "object", "properties": {"cached_tokens": {"type": "integer", "description": "Prompt tokens read from the provider's cache (part of prompt_tokens); present when there were some"}}}}},
            "CostedUsage": {"allOf": [ref("Usage"), {"type": "object", "required": ["cost"], "properties": {
                "cost": {"type": ["number", "null"], "description": "What the request cost in US dollars, every attempt included, from the configured price table (`prices`); null when a model that used tokens has no price"}}}]},
            "Target": {"type": "object", "required": ["provider", "model"], "properties": {
                "provider": {"type": "string"}, "model": {"type": "string"}, "retry": {"type": "integer", "minimum": 0, "maximum": 5, "default": 0},
                "system_instruction": {"type": "string"}, "region_name": {"type": "string"}}},
            "Attempt": {"type": "object", "required": ["provider", "model", "outcome", "latency_ms"], "properties": {
                "provider": {"type": "string"}, "model": {"type": "string"}, "region_name": {"type": "string"},
                "outcome": {"type": "string", "enum": ["success", "rate_limited", "overloaded", "timeout", "upstream_5xx", "transport", "context_too_long", "content_filtered", "auth", "invalid_request", "not_found", "empty_response", "skipped_unavailable", "skipped_cooldown"]},
                "latency_ms": {"type": "integer"}, "status": {"type": "integer"}, "usage": ref("Usage"),
                "cost": {"type": ["number", "null"], "description": "US dollars: usage at the table's price; 0 when no tokens were reported, null when a model that used tokens has no price"},
                "ttft_ms": {"type": "integer", "description": "A stream's time to its first content token"}}},
            "GenerateRequest": {"type": "object", "required": ["messages"], "description": "Send `provider` and `model`, or `route`.", "properties": {
                "provider": {"type": "string"}, "model": {"type": "string"},
                "route": {"type": "string", "description": "A route of the routing table (its chain, e.g. Bedrock across regions), instead of provider and model."},
                "require_content": {"type": "boolean", "description": "An answer with no text (empty or whitespace) is a failed attempt (`empty_response`) and the chain moves on."},
                "system_instruction": {"type": "string"},
                "messages": {"type": "array", "minItems": 1, "items": ref("Message")},
                "temperature": {"type": "number", "minimum": 0, "maximum": 2}, "top_p": {"type": "number", "minimum": 0, "maximum": 1},
                "top_k": {"type": "integer", "minimum": 1}, "max_tokens": {"type": "integer", "minimum": 1},
                "stop": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": 4}]},
                "retry": {"type": "integer", "minimum": 0, "maximum": 5}, "fallbacks": {"type": "array", "items": ref("Target")},
                "region_name": {"type": "string"}, "metadata": {"type": "object", "description": "Any JSON object up to 16 KiB; `region_name` is read. Not sent upstream."},
                "user": {"type": "string"},
                "stream": {"type": "boolean", "description": "Answer with Server-Sent Events past the commit point: `event: delta` {text}, `event: usage` (Usage), `event: finish` {reason}, then `event: cost` {cost: dollars or null} when it ended well, or `event: error` {code: failure kind, message} if the stream breaks after it began. The serving provider and model are in the x-switchyard-provider / x-switchyard-model headers."}}},
            "GenerateResponse": {"type": "object", "required": ["choices", "usage", "provider", "model", "attempts"], "properties": {
                "choices": {"type": "array", "items": {"type": "object", "properties": {"index": {"type": "integer"}, "message": {"type": "object", "properties": {"role": {"const": "assistant"}, "content": {"type": "string"}}}, "finish_reason": {"type": "string"}}}},
                "usage": ref("CostedUsage"), "provider": {"type": "string"}, "model": {"type": "string"}, "attempts": {"type": "array", "items": ref("Attempt")}}},
            "ChatCompletionRequest": {"type": "object", "required": ["model", "messages"], "properties": {
                "model": {"type": "string", "description": "A route name from the configuration, or provider/model."},
                "messages": {"type": "array", "minItems": 1, "items": ref("Message")},
                "temperature": {"type": "number", "minimum": 0, "maximum": 2}, "top_p": {"type": "number", "minimum": 0, "maximum": 1},
                "top_k": {"type": "integer", "minimum": 1}, "max_tokens": {"type": "integer", "minimum": 1}, "max_completion_tokens": {"type": "integer", "minimum": 1},
                "stop": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": 4}]},
                "seed": {"type": "integer"}, "n": {"type": "integer", "const": 1}, "user": {"type": "string"},
                "stream": {"type": "boolean"}, "stream_options": {"type": "object", "properties": {"include_usage": {"type": "boolean"}}}},
                "additionalProperties": True},
            "ChatCompletion": {"type": "object", "required": ["id", "object", "created", "model", "choices", "usage"], "properties": {
                "id": {"type": "string"}, "object": {"const": "chat.completion"}, "created": {"type": "integer"}, "model": {"type": "string"},
                "choices": {"type": "array", "items": {"type": "object", "properties": {"index": {"type": "integer"}, "message": {"type": "object", "properties": {"role": {"const": "assistant"}, "content": {"type": "string"}, "refusal": {"type": ["string", "null"]}}}, "finish_reason": {"type": "string"}, "logprobs": {"type": "null"}}}},
                "usage": ref("CostedUsage")}},
            "ChatCompletionChunk": {"type": "object", "description": "One SSE `data:` event. The stream ends with `data: [DONE]`, or, if it breaks after it began, with an event holding `error` and `usage`.",
                "properties": {"id": {"type": "string"}, "object": {"const": "chat.completion.chunk"}, "created": {"type": "integer"}, "model": {"type": "string"},
                "choices": {"type": "array"}, "usage": {"oneOf": [ref("CostedUsage"), {"type": "null"}]}}},
            "Model": {"type": "object", "required": ["id", "object", "created", "owned_by"], "properties": {
                "id": {"type": "string"}, "object": {"const": "model"}, "created": {"type": "integer"}, "owned_by": {"type": "string"}}},
            "ModelList": {"type": "object", "required": ["object", "data"], "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": ref("Model")}}},
            "Status": {"type": "object", "properties": {"status": {"type": "string"}}, "additionalProperties": True},
            "Bot": {"type": "object", "required": ["id", "slug", "name", "status", "rank"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "slug": {"type": "string"}, "name": {"type": "string"},
                "description": {"type": "string"}, "scene_description": {"type": "string"}, "avatar_url": {"type": "string"},
                "status": {"type": "string", "enum": ["draft", "launched", "archived"]}, "type": {"type": "string", "enum": ["companion", "assistant", "expert", "astrologer", "tutor", "coach", "character"]},
                "rank": {"type": "integer"}, "time_zone": {"type": "string"}, "metadata": ref("BotMetadata"),
                "owner_id": {"type": ["string", "null"], "format": "uuid"},
                "launched_on": {"type": "string", "format": "date-time"}, "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"}}},
            "BotInput": {"type": "object", "properties": {
                "name": {"type": "string"}, "description": {"type": "string"}, "scene_description": {"type": "string"},
                "avatar_url": {"type": "string"}, "status": {"type": "string", "enum": ["draft", "launched", "archived"]},
                "type": {"type": "string", "enum": ["companion", "assistant", "expert", "astrologer", "tutor", "coach", "character"], "default": "companion"}, "rank": {"type": "integer"}, "time_zone": {"type": "string"},
                "owner_id": {"type": "string", "format": "uuid", "description": "A user's id"},
                "metadata": ref("BotMetadata")}},
            "Pricing": {"type": "object", "required": ["currency"], "description": "Integers in minor units of one currency; every part optional (0). A session locks the pricing it started with.", "properties": {
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}, "per_message": {"type": "integer", "minimum": 0}, "per_1k_input_tokens": {"type": "integer", "minimum": 0},
                    "per_1k_output_tokens": {"type": "integer", "minimum": 0}, "per_minute": {"type": "integer", "minimum": 0}, "free_messages": {"type": "integer", "minimum": 0}}},
            "BotMetadata": {"type": "object", "description": "Any JSON object (at most 16 KiB, 8 levels deep), replaced whole on PATCH. The keys Switchyard reads are checked.", "properties": {
                "pricing": ref("Pricing"),
                "required_fields": {"type": "array", "items": {"type": "string", "enum": ["name", "age", "gender", "time_zone", "language", "birth_date", "birth_time", "birth_place"]}, "description": "Profile fields a user must have before the bot answers (else 422 profile_incomplete)."},
                "response_length": {"type": "string", "enum": ["short", "medium", "long"], "description": "`{{response_length}}`; a user's `response_length` overrides it."},
                "character_rating": {"type": "number"}}, "additionalProperties": True},
            "Wallet": {"type": "object", "required": ["currency", "balance", "available", "held"], "properties": {
                "currency": {"type": "string"}, "balance": {"type": "integer"}, "available": {"type": "integer"}, "held": {"type": "integer"}}},
            "LedgerEntry": {"type": "object", "required": ["id", "currency", "sequence", "kind", "amount", "held_delta", "idempotency_key", "created_at"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "currency": {"type": "string"}, "sequence": {"type": "integer"},
                "kind": {"type": "string", "enum": ["topup", "hold", "settle", "release", "refund", "adjustment"]},
                "amount": {"type": "integer", "description": "Change of the balance"}, "held_delta": {"type": "integer", "description": "Change of the held sum"},
                "hold_id": {"type": ["string", "null"]}, "session_id": {"type": ["string", "null"]}, "turn_id": {"type": ["string", "null"]},
                "idempotency_key": {"type": "string"}, "reason": {"type": ["string", "null"]}, "created_at": {"type": "string"}}},
            "Wallets": {"type": "object", "required": ["wallets", "entries"], "properties": {"wallets": {"type": "array", "items": ref("Wallet")},
                "entries": {"type": "array", "items": ref("LedgerEntry")}, "next_offset": {"type": ["integer", "null"]}}},
            "CreditInput": {"type": "object", "required": ["amount", "currency", "idempotency_key"], "properties": {
                "amount": {"type": "integer", "minimum": 1, "maximum": 1000000000000}, "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "idempotency_key": {"type": "string", "minLength": 1, "maxLength": 200}, "reason": {"type": "string"},
                "turn_id": {"type": "string", "format": "uuid", "description": "Refunds only: the reply (message_id) refunded; a turn's refunds never exceed its charge."}}},
            "Credit": {"type": "object", "required": ["entry", "wallet", "replayed"], "properties": {"entry": ref("LedgerEntry"), "wallet": ref("Wallet"), "replayed": {"type": "boolean"}}},
            "Session": {"type": "object", "required": ["id", "bot_id", "is_paid", "charged", "turns", "state", "created_at"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "bot_id": {"type": "string", "format": "uuid"}, "is_paid": {"type": "boolean"},
                "pricing": {"oneOf": [ref("Pricing"), {"type": "null"}]}, "charged": {"type": "integer"}, "turns": {"type": "integer"},
                "state": {"type": "string", "enum": ["active", "ended"]}, "ended_at": {"type": ["string", "null"]}, "created_at": {"type": "string"}}},
            "LLMConfig": {"type": "object", "description": "Send `llm_provider` and `model_name`, or `route`. Unset sampling values are stored as temperature 0.7, top_p 0.95, max_output_tokens 1024.", "properties": {
                "id": {"type": "string", "format": "uuid"}, "bot_id": {"type": "string", "format": "uuid"},
                "llm_provider": {"type": ["string", "null"]}, "model_name": {"type": ["string", "null"]},
                "route": {"type": ["string", "null"], "description": "A gateway route (its fallback chain) instead of a provider and model"},
                "prompt_template": {"type": "string", "description": "Must exist with a version at `prompt_label`"},
                "prompt_label": {"type": "string"}, "prompt": {"type": "string"}, "temperature": {"type": "number", "minimum": 0, "maximum": 2},
                "top_p": {"type": "number", "minimum": 0, "maximum": 1}, "top_k": {"type": "integer", "minimum": 1}, "max_output_tokens": {"type": "integer", "minimum": 1},
                "is_active": {"type": "boolean"}, "created_at": {"type": "string"}, "updated_at": {"type": "string"},
                "metadata": {"type": "object", "description": "Any JSON (tools, experiment, api_endpoint, additional_config, …), passed to the gateway; the typed keys are checked.", "properties": {
                    "region_name": {"type": "string"}, "weight": {"type": "integer", "minimum": 0},
                    "fallbacks": {"type": "array", "items": ref("Target")}}, "additionalProperties": True}}},
            "PromptInput": {"type": "object", "properties": {"name": {"type": "string"}, "template": {"type": "string"},
                "yaml": {"type": "string", "description": "A structured prompt of any depth: mappings (order kept), lists, scalars; `{{variables}}` in any string; an entry `{when|unless: variable, text|content: …}` is conditional."},
                "output": {"type": "string", "enum": ["yaml", "json", "text"], "description": "What the model receives; YAML templates default to yaml, text templates are text."},
                "values": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean", "null"]}}}},
            "PromptVersion": {"type": "object", "properties": {"templateName": {"type": "string"}, "version": {"type": "integer"},
                "format": {"type": "string", "enum": ["text", "yaml"]}, "output": {"type": "string", "enum": ["yaml", "json", "text"]}, "body": {"type": "string"}}},
            "LanguageInstruction": {"type": "object", "required": ["app", "language", "text"], "properties": {
                "app": {"type": "string", "description": "The user token's `app` claim, or `*` for any app"},
                "language": {"type": "string", "description": "The user's language, or `*` for the default"}, "text": {"type": "string"}}},
            "SessionSummary": {"type": "object", "required": ["id", "bot_id", "created_at"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "bot_id": {"type": "string", "format": "uuid"}, "created_at": {"type": "string"},
                "ended_at": {"type": ["string", "null"]}, "last_message": {"type": ["string", "null"]},
                "last_message_role": {"type": ["string", "null"]}, "last_message_at": {"type": ["string", "null"]}}},
            "SessionList": {"type": "object", "required": ["sessions", "next_offset"], "properties": {
                "sessions": {"type": "array", "items": ref("SessionSummary")}, "next_offset": {"type": ["integer", "null"]}}},
            "Variable": {"type": "object", "properties": {"name": {"type": "string"}, "category": {"type": "string"}, "description": {"type": "string"}}},
            "ChatInput": {"type": "object", "required": ["message"], "properties": {"session_id": {"type": "string", "format": "uuid"},
                "message": {"type": "string"}, "idempotency_key": {"type": "string", "minLength": 1, "maxLength": 200,
                    "description": "A retry with the same key (in the same session, or, without session_id, with the same bot) is answered with the stored reply; the turn is stored and charged once, also when copies arrive at once."},
                "stream": {"type": "boolean", "description": "Answer with Server-Sent Events: `event: delta` {text} per piece, then `event: done` with a ChatOutput, or `event: error` {error, reply} if the stream broke after it began (the delivered part is stored, interrupted, and charged)."},
                "second_profile_id": {"type": "string", "format": "uuid", "description": "A saved birth profile (POST /v1/profiles) whose chart fills `{{profile_details_2}}` when the bot lists the `astrology` source"}}},
            "ChatOutput": {"type": "object", "required": ["message", "session_id", "message_id", "config_id", "usage", "charge", "balance", "currency", "interrupted"], "properties": {"message": {"type": "string"},
                "session_id": {"type": "string", "format": "uuid"}, "message_id": {"type": "string", "format": "uuid"}, "usage": ref("Usage"),
                "config_id": {"type": "string", "format": "uuid", "description": "The LLM config that served the reply"},
                "charge": {"type": "integer", "description": "This turn's cost in minor units (0 when free)"},
                "balance": {"type": ["integer", "null"], "description": "The wallet balance after the turn, on paid sessions"},
                "currency": {"type": ["string", "null"]}, "interrupted": {"type": "boolean"}}},
            "Message": {"type": "object", "properties": {"id": {"type": "string"}, "role": {"type": "string"}, "content": {"type": "string"},
                "provider": {"type": "string"}, "model": {"type": "string"}, "config_id": {"type": ["string", "null"]}, "usage": ref("Usage"), "charge": {"type": ["integer", "null"]},
                "interrupted": {"type": "boolean"}, "created_at": {"type": "string"}}},
            "AdminSession": {"type": "object", "required": ["id", "user_id", "bot_id", "config_id", "paid", "created_at", "turns"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "user_id": {"type": "string", "format": "uuid"}, "bot_id": {"type": "string", "format": "uuid"},
                "config_id": {"type": "string", "format": "uuid"}, "paid": {"type": "boolean"}, "created_at": {"type": "string"},
                "ended_at": {"type": "string"}, "deleted_at": {"type": "string"},
                "turns": {"type": "array", "items": {"type": "object", "required": ["reply", "attempts"], "properties": {
                    "message": ref("Message"), "reply": ref("Message"), "attempts": {"type": "array", "items": ref("Attempt")}}}}}},
            "UsageReport": {"type": "object", "required": ["from", "to", "group_by", "groups"], "properties": {
                "from": {"type": "string"}, "to": {"type": "string"}, "group_by": {"type": "string"},
                "groups": {"type": "array", "items": {"type": "object", "required": ["key", "attempts", "turns", "latency_ms", "errors", "tokens", "cost", "unpriced_attempts"], "properties": {
                    "key": {"type": "string"}, "attempts": {"type": "integer"}, "turns": {"type": "integer"},
                    "success_rate": {"type": ["number", "null"]}, "fallback_rate": {"type": ["number", "null"]},
                    "latency_ms": {"type": "object", "properties": {"p50": {"type": ["integer", "null"]}, "p95": {"type": ["integer", "null"]}, "p99": {"type": ["integer", "null"]}}},
                    "errors": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "tokens": {"type": "object", "properties": {"prompt": {"type": "integer"}, "completion": {"type": "integer"}}},
                    "cost": {"type": "number"}, "unpriced_attempts": {"type": "integer"}}}}}},
            "BirthProfile": {"type": "object", "required": ["name", "birth_date", "birth_time"], "description": "Someone else's birth details. Give `birth_place` (a city, geocoded), or `latitude`, `longitude` and `time_zone` together.", "properties": {
                "id": {"type": "string", "format": "uuid", "readOnly": True}, "name": {"type": "string", "maxLength": 100}, "relation": {"type": "string", "maxLength": 50},
                "birth_date": {"type": "string", "description": "YYYY-MM-DD"}, "birth_time": {"type": "string", "description": "HH:MM, 24-hour, local time at the birth place"},
                "birth_place": {"type": "string", "maxLength": 300}, "latitude": {"type": "number", "minimum": -90, "maximum": 90}, "longitude": {"type": "number", "minimum": -180, "maximum": 180},
                "time_zone": {"type": "string", "description": "IANA zone at the coordinates"}, "created_at": {"type": "string", "format": "date-time", "readOnly": True}}},
            "Memory": {"type": "object", "required": ["text"], "properties": {"id": {"type": "string", "format": "uuid", "readOnly": True},
                "text": {"type": "string", "minLength": 1, "maxLength": 500}, "created_at": {"type": "string", "format": "date-time", "readOnly": True}}},
            "Profile": {"type": "object", "properties": {k: {"type": "string"} for k in ["id", "external_id", "name", "gender", "time_zone", "language", "birth_date", "birth_time", "birth_place", "location"]} | {"age": {"type": "integer"}, "response_length": {"type": "string", "enum": ["short", "medium", "long"]}}},
        },
    },
    "security": [{"serviceToken": []}],
    "paths": {
        "/health": {"get": {"summary": "Liveness", "security": [], "responses": {"200": ok("Status")}}},
        "/ready": {"get": {"summary": "Readiness: at least one provider is usable, the backend's database answers (checked at most once a second), and for `--role backend` the gateway's /health answers. Says `ready` or `not_ready` and nothing else; the reasons are in the log", "security": [], "responses": {"200": ok("Status"), "503": ok("Status", "Not ready: no provider is usable, the database does not answer, or the gateway does not")}}},
        "/metrics": {"get": {"summary": "Prometheus counters", "security": [], "responses": {"200": {"description": "Prometheus text", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}, **auth_errors}}},
        "/v1/generate/": {"post": {"summary": "Generate over a fallback chain (internal payload)", "parameters": [cache_control], "requestBody": json_body("GenerateRequest"),
            "responses": {"200": {"description": "The answer, or an SSE stream when `stream` is true", "headers": rate_headers, "content": {"application/json": {"schema": ref("GenerateResponse")}, "text/event-stream": {"schema": {"type": "string"}}}}, **gen_errors}}},
        "/v1/chat/completions": {"post": {"summary": "OpenAI Chat Completions, plain or streamed", "parameters": [cache_control], "requestBody": json_body("ChatCompletionRequest"),
            "responses": {"200": {"description": "A completion, or an SSE stream of chunks when `stream` is true (with `stream_options.include_usage` the last chunk's usage carries `cost`)",
                "headers": {"x-switchyard-cost": {"description": "What the request cost in US dollars (every attempt), from the price table; absent on streams and when a model that used tokens has no price", "schema": {"type": "string"}},
                            "x-switchyard-cache": {"description": "On a route with `cache`, for a deterministic request (temperature 0, no `user`): `hit` (served from memory: no attempt, no cost; a stream replays the kept answer) or `miss` (a streamed answer is kept once the stream ends well)", "schema": {"type": "string", "enum": ["hit", "miss"]}}, **rate_headers},
                "content": {"application/json": {"schema": ref("ChatCompletion")}, "text/event-stream": {"schema": ref("ChatCompletionChunk")}}}, **gen_errors}}},
        "/v1/models": {"get": {"summary": "Routes and usable provider/model targets", "responses": {"200": ok("ModelList"), **auth_errors}}},
        "/v1/models/{model}": {"get": {"summary": "One model (a route name or provider/model)",
            "parameters": [{"name": "model", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": ok("Model"), "404": err("Unknown model"), **auth_errors}}},
    },
}
admin = [{"adminKey": []}]
user = [{"userToken": []}]
slug = [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}]
name = [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}]
bad = {"400": err("Invalid input"), "401": err("Missing or wrong credentials"), "413": err("The request body is too large"),
       "503": err("Temporarily unavailable; nothing was changed. `Retry-After` says when to retry; `code` is `database_unavailable` (the database does not answer) or `shutting_down` (this replica is restarting; retry, on another replica behind a load balancer)")}
doc["paths"].update({
    "/admin/v1/bots": {
        "post": {"summary": "Create a bot (the slug comes from the name)", "security": admin, "requestBody": json_body("BotInput"), "responses": {"201": ok("Bot"), "409": err("No free slug could be found"), **bad}},
        "get": {"summary": "All bots, by rank", "security": admin, "responses": {"200": {"description": "Bots", "content": {"application/json": {"schema": {"type": "array", "items": ref("Bot")}}}}, **bad}}},
    "/admin/v1/bots/{slug}": {
        "get": {"summary": "One bot", "security": admin, "parameters": slug, "responses": {"200": ok("Bot"), "404": err("No such bot"), **bad}},
        "patch": {"summary": "Change a bot", "security": admin, "parameters": slug, "requestBody": json_body("BotInput"), "responses": {"200": ok("Bot"), "404": err("No such bot"), **bad}},
        "delete": {"summary": "Soft-delete a bot", "security": admin, "parameters": slug, "responses": {"204": {"description": "Deleted"}, "404": err("No such bot"), **bad}}},
    "/admin/v1/bots/{slug}/llm-configs": {
        "post": {"summary": "Add an LLM config (is_active makes it the only active one); refused with the field named if the gateway would refuse it (unknown provider, empty model, retry over 5, sampling out of range)", "security": admin, "parameters": slug, "requestBody": json_body("LLMConfig"), "responses": {"201": ok("LLMConfig"), "404": err("No such bot"), **bad}},
        "get": {"summary": "A bot's LLM configs", "security": admin, "parameters": slug, "responses": {"200": {"description": "Configs", "content": {"application/json": {"schema": {"type": "array", "items": ref("LLMConfig")}}}}, "404": err("No such bot"), **bad}}},
    "/admin/v1/llm-configs/{id}": {
        "patch": {"summary": "Change a config (fields given replace, `metadata` whole), validated as on create; `is_active` is refused (use activate)", "security": admin,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}], "requestBody": json_body("LLMConfig"),
            "responses": {"200": ok("LLMConfig"), "404": err("No such config"), **bad}},
        "delete": {"summary": "Soft-delete a config; the active one cannot be deleted", "security": admin,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {"204": {"description": "Deleted"}, "404": err("No such config"), "409": err("It is the active config (`code` config_active)"), **bad}}},
    "/admin/v1/language-instructions": {"get": {"summary": "The language instructions in force: the configuration file's with the admin API's laid over", "security": admin,
        "responses": {"200": {"description": "Instructions", "content": {"application/json": {"schema": {"type": "array", "items": ref("LanguageInstruction")}}}}, **bad}}},
    "/admin/v1/language-instructions/{app}/{language}": {
        "put": {"summary": "Set the instruction for an app (`*`: any) and a language (`*`: the default)", "security": admin,
            "parameters": [{"name": "app", "in": "path", "required": True, "schema": {"type": "string"}}, {"name": "language", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 2000}}}}}},
            "responses": {"200": ok("LanguageInstruction"), **bad}},
        "delete": {"summary": "Remove an instruction set through the API", "security": admin,
            "parameters": [{"name": "app", "in": "path", "required": True, "schema": {"type": "string"}}, {"name": "language", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"204": {"description": "Removed"}, "404": err("None was set"), **bad}}},
    "/admin/v1/llm-configs/{id}/activate": {"post": {"summary": "Make a config the bot's only active one", "security": admin,
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}], "responses": {"200": ok("LLMConfig"), "404": err("No such config"), **bad}}},
    "/admin/v1/prompts": {
        "post": {"summary": "Create a template from {name, template} or {name, yaml}; refused if invalid", "security": admin, "requestBody": json_body("PromptInput"), "responses": {"201": ok("PromptVersion"), "409": err("Name taken"), **bad}},
        "get": {"summary": "Templates with their latest version and labels", "security": admin, "responses": {"200": {"description": "Templates", "content": {"application/json": {"schema": {"type": "array"}}}}, **bad}}},
    "/admin/v1/prompts/render": {"post": {"summary": "Preview a template with sample values", "security": admin, "requestBody": json_body("PromptInput"), "responses": {"200": {"description": "Rendered", "content": {"application/json": {"schema": {"type": "object"}}}}, **bad}}},
    "/admin/v1/prompts/{name}/versions": {"post": {"summary": "Add an immutable version", "security": admin, "parameters": name, "requestBody": json_body("PromptInput"), "responses": {"201": ok("PromptVersion"), "404": err("No such template"), **bad}}},
    "/admin/v1/prompts/{name}/labels": {"post": {"summary": "Move a label (production, staging, …) to a version", "security": admin, "parameters": name,
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["label", "version"], "properties": {"label": {"type": "string"}, "version": {"type": "integer"}}}}}},
        "responses": {"200": {"description": "Moved"}, "404": err("No such version"), **bad}}},
    "/admin/v1/variables": {"get": {"summary": "The variable registry", "security": admin, "responses": {"200": {"description": "Variables", "content": {"application/json": {"schema": {"type": "array", "items": ref("Variable")}}}}, **bad}}},
    "/admin/v1/sessions/{id}": {"get": {"summary": "A session's turns (oldest first, the last `limit`, default 100, at most 250), each user message with the reply and the reply's call record: every gateway attempt with provider, model, region, outcome, status, latency, time to first token, tokens and cost", "security": admin,
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 250}}],
        "responses": {"200": ok("AdminSession"), "404": err("No such session"), **bad}}},
    "/admin/v1/usage": {"get": {"summary": "Usage figures from the stored call records, per provider, model, bot or UTC day: attempts sent, turns, success rate, nearest-rank p50/p95/p99 latency of the attempts, fallback rate (turns served by other than their first attempt), failures by kind, tokens and cost (dollars of the priced attempts; `unpriced_attempts` counts the others). Turns that failed are not stored, so their attempts are not counted.", "security": admin,
        "parameters": [{"name": "from", "in": "query", "schema": {"type": "string"}, "description": "ISO 8601 time or YYYY-MM-DD (UTC); default: 24 hours before `to`"},
                       {"name": "to", "in": "query", "schema": {"type": "string"}, "description": "ISO 8601 time or YYYY-MM-DD (UTC), exclusive; default: now"},
                       {"name": "group_by", "in": "query", "schema": {"type": "string", "enum": ["provider", "model", "bot", "day"]}}],
        "responses": {"200": ok("UsageReport"), **bad}}},
    "/v1/bots": {"get": {"summary": "Launched bots", "security": user, "responses": {"200": {"description": "Bots", "content": {"application/json": {"schema": {"type": "array", "items": ref("Bot")}}}}, **bad}}},
    "/v1/bots/{slug}/chat": {"post": {"summary": "One chat turn", "security": user, "parameters": slug, "requestBody": json_body("ChatInput"),
        "responses": {"200": {"description": "The reply, or an SSE stream when `stream` is true", "content": {"application/json": {"schema": ref("ChatOutput")}, "text/event-stream": {"schema": {"type": "string"}}}}, **bad,
            "402": err("The wallet's available balance does not cover the turn's hold (`code` insufficient_balance; the message says what is needed and what is available); no provider was called"),
            "404": err("No such bot or session"), "409": err("The session has ended (`code` session_ended): start a new one"),
            "429": err("This user (or the whole app) is sending faster than the gateway's rate limit allows (`code` too_many_requests); nothing was stored or charged. Wait `Retry-After` seconds (also in the message) and send again"),
            "422": err("Retrying will not help; nothing was stored. `code` is the failure kind: `profile_incomplete` (the profile lacks `missing_fields` the bot requires: PATCH /v1/me; no provider was called), `context_too_long` (send a shorter message or start a new session), `content_filtered` (rephrase), `invalid_request` (the bot's configuration was refused)"),
            "503": err("The bot cannot answer now; nothing was stored or charged. `Retry-After` says when to try again; `code` is the failure kind (`rate_limited`, `overloaded`, `timeout`, `upstream_5xx`, `transport`, `auth`, `no_provider`, `deadline`, `gateway_unavailable`, `bot_not_configured`, `external_data_unavailable` (a data source the bot requires, named in the message, could not be loaded and no recent copy was cached), and `database_unavailable` or `shutting_down` as on every route)")}}},
    "/v1/bots/{slug}/memories": {
        "get": {"summary": "What the bot remembers about the caller, oldest first", "security": user, "parameters": slug,
            "responses": {"200": {"description": "Memories", "content": {"application/json": {"schema": {"type": "array", "items": ref("Memory")}}}}, "404": err("No such bot"), **bad}},
        "post": {"summary": "Add a memory (at most 50 per user and bot, 500 characters each); it appears in the bot's `{{memories}}`", "security": user, "parameters": slug, "requestBody": json_body("Memory"),
            "responses": {"201": ok("Memory"), "404": err("No such bot"), "409": err("At the limit (`code` too_many_memories)"), **bad}},
        "delete": {"summary": "Forget every memory of the caller with this bot", "security": user, "parameters": slug, "responses": {"204": {"description": "Forgotten"}, "404": err("No such bot"), **bad}}},
    "/v1/bots/{slug}/memories/{id}": {"delete": {"summary": "Forget one memory", "security": user,
        "parameters": slug + [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
        "responses": {"204": {"description": "Forgotten"}, "404": err("No such bot or memory"), **bad}}},
    "/admin/v1/bots/{slug}/memories": {"get": {"summary": "A user's memories with a bot", "security": admin,
        "parameters": slug + [{"name": "user", "in": "query", "required": True, "schema": {"type": "string"}, "description": "The user's external id"}],
        "responses": {"200": {"description": "Memories", "content": {"application/json": {"schema": {"type": "array", "items": ref("Memory")}}}}, "404": err("No such bot"), **bad}}},
    "/v1/profiles": {
        "get": {"summary": "The caller's saved birth profiles, oldest first", "security": user,
            "responses": {"200": {"description": "Profiles", "content": {"application/json": {"schema": {"type": "array", "items": ref("BirthProfile")}}}}, **bad}},
        "post": {"summary": "Save someone's birth profile (at most 20), for questions about two people (`second_profile_id` on a chat turn)", "security": user, "requestBody": json_body("BirthProfile"),
            "responses": {"201": ok("BirthProfile"), "409": err("At the limit (`code` too_many_profiles)"), **bad}}},
    "/v1/profiles/{id}": {
        "get": {"summary": "One saved profile", "security": user, "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {"200": ok("BirthProfile"), "404": err("No such profile of the caller"), **bad}},
        "delete": {"summary": "Delete a saved profile and its cached chart", "security": user, "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
            "responses": {"204": {"description": "Deleted"}, "404": err("No such profile of the caller"), **bad}}},
    "/v1/sessions/{id}/messages": {"get": {"summary": "A session's messages (the caller's own sessions only)", "security": user,
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}, {"name": "limit", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "Messages, oldest first", "content": {"application/json": {"schema": {"type": "array", "items": ref("Message")}}}}, "404": err("No such session"), **bad}}},
    "/v1/sessions": {"get": {"summary": "The caller's sessions with a bot, newest first, each with its last message", "security": user,
        "parameters": [{"name": "bot", "in": "query", "required": True, "schema": {"type": "string"}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
        "responses": {"200": ok("SessionList"), "404": err("No such bot"), **bad}}},
    "/v1/sessions/{id}": {"get": {"summary": "A session: its locked pricing, charges so far, turns and state", "security": user,
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
        "responses": {"200": ok("Session"), "404": err("No such session"), **bad}},
        "delete": {"summary": "Delete a session (soft): its messages are no longer served and it cannot be continued", "security": user,
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
        "responses": {"204": {"description": "Deleted"}, "404": err("No such session"), **bad}}},
    "/v1/sessions/{id}/end": {"post": {"summary": "End a session: no further turns", "security": user,
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
        "responses": {"200": ok("Session"), "404": err("No such session"), **bad}}},
    "/v1/wallet": {"get": {"summary": "The caller's wallets and ledger entries, newest first", "security": user,
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}, {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
        "responses": {"200": ok("Wallets"), **bad}}},
    "/admin/v1/users/{external_id}/wallet/topups": {"post": {"summary": "Add money to a user's wallet, once per idempotency key (a repeat answers 200 with the first entry)", "security": admin,
        "parameters": [{"name": "external_id", "in": "path", "required": True, "schema": {"type": "string"}}], "requestBody": json_body("CreditInput"),
        "responses": {"201": ok("Credit"), "200": ok("Credit", "A repeated key: the first result"), "409": err("The key was used for a different credit"), **bad}}},
    "/admin/v1/users/{external_id}/wallet/refunds": {"post": {"summary": "Refund money, once per idempotency key; with turn_id, never more than that turn was charged", "security": admin,
        "parameters": [{"name": "external_id", "in": "path", "required": True, "schema": {"type": "string"}}], "requestBody": json_body("CreditInput"),
        "responses": {"201": ok("Credit"), "200": ok("Credit", "A repeated key: the first result"), "409": err("The key was used for a different credit"), "422": err("The refund exceeds what the turn was charged"), **bad}}},
    "/v1/me": {
        "get": {"summary": "The caller's profile", "security": user, "responses": {"200": ok("Profile"), **bad}},
        "patch": {"summary": "Set profile fields. New birth details or a new `location` drop what was cached for the old ones (chart, forecast) in every layer", "security": user, "requestBody": json_body("Profile"), "responses": {"200": ok("Profile"), **bad}}},
})
out = pathlib.Path(__file__).resolve().parent.parent / "Sources/SwitchyardGateway/Resources/openapi.json"
out.write_text(json.dumps(doc, indent=2) + "\n")
print(f"wrote {out}")
