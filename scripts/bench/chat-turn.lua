-- wrk script: one chat turn per request against POST /v1/bots/$BOT/chat (default mira), spread over 32 users whose tokens are
-- in USER_TOKENS (space-separated). Each request starts a session (one write transaction: session + 2 messages)
-- unless SESSIONS holds matching session ids, in which case it continues them.
local tokens = {}
for token in string.gmatch(os.getenv("USER_TOKENS") or "", "%S+") do table.insert(tokens, token) end
local sessions = {}
for session in string.gmatch(os.getenv("SESSIONS") or "", "%S+") do table.insert(sessions, session) end
local counter = 0
local path = "/v1/bots/" .. (os.getenv("BOT") or "mira") .. "/chat"

request = function()
  counter = counter + 1
  local index = (counter % #tokens) + 1
  local body
  if #sessions > 0 then
    body = '{"session_id":"' .. sessions[index] .. '","message":"What does my chart say about this week?"}'
  else
    body = '{"message":"What does my chart say about this week?"}'
  end
  return wrk.format("POST", path,
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[index] }, body)
end

function done(summary, latency, requests)
  io.write(string.format("TURNS requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
