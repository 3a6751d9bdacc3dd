import { createHmac } from "node:crypto";

/**
 * The request rules of Anthropic's Messages API that a client loop can break, answered as the API
 * answers them: 400 `invalid_request_error` with the API's own message (messages as reported in
 * public issue threads against the real API: empty text blocks, thinking blocks dropped from a
 * tool-use turn, tool_use without its tool_result, tool blocks without tools, thinking budgets).
 * Returns the message of the first rule broken, or undefined for a valid request.
 */

const SIGNING_KEY = "fake-anthropic-thinking";

/** The fake's signature over a thinking block's text; a block sent back must carry it unchanged. */
export function signThinking(thinking: string): string {
  return createHmac("sha256", SIGNING_KEY).update(thinking).digest("base64");
}

type Block = { type: string; [k: string]: unknown };
type Msg = { role: string; content: string | Block[] };

const blocksOf = (m: Msg): Block[] => (typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content);

export function thinkingEnabled(body: any): boolean {
  return body?.thinking?.type === "enabled" || body?.thinking?.type === "adaptive";
}

function topLevel(body: any): string | undefined {
  if (!body || typeof body !== "object") return "request body must be a JSON object";
  if (typeof body.model !== "string") return "model: Field required";
  if (!Number.isInteger(body.max_tokens)) return "max_tokens: Field required";
  if (body.max_tokens < 1) return "max_tokens: Input should be greater than or equal to 1";
  if (!Array.isArray(body.messages)) return "messages: Field required";
  if (body.system !== undefined && typeof body.system !== "string" && !Array.isArray(body.system))
    return "system: Input should be a valid string or list";
  if (body.thinking?.type === "enabled") {
    const budget = body.thinking.budget_tokens;
    if (!Number.isInteger(budget) || budget < 1024)
      return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
    if (body.max_tokens <= budget) return "`max_tokens` must be greater than `thinking.budget_tokens`.";
  }
  return undefined;
}

function toolRules(body: any): string | undefined {
  const tools: any[] = body.tools ?? [];
  for (const [i, t] of tools.entries()) {
    if (typeof t?.name !== "string" || !/^[a-zA-Z0-9_-]{1,128}$/.test(t.name))
      return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
    if (t.input_schema?.type !== "object") return `tools.${i}.custom.input_schema.type: Field required`;
  }
  const choice = body.tool_choice;
  if (choice) {
    if (!["auto", "any", "tool", "none"].includes(choice.type))
      return "tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
    if (choice.type === "tool" && !tools.some((t) => t.name === choice.name))
      return `tool_choice: Tool '${choice.name}' not found in provided tools`;
    if (thinkingEnabled(body) && (choice.type === "any" || choice.type === "tool"))
      return "Thinking may not be enabled when `tool_choice` forces tool use.";
  }
  const usesTools = (body.messages as Msg[]).some((m) =>
    blocksOf(m).some((b) => b.type === "tool_use" || b.type === "tool_result"),
  );
  if (usesTools && !tools.length) return "Requests which include `tool_use` or `tool_result` blocks must define tools.";
  return undefined;
}

function contentRules(messages: Msg[]): string | undefined {
  if (!messages.length) return "messages: at least one message is required";
  if (messages[0]!.role !== "user") return 'messages: first message must use the "user" role';
  for (const [i, m] of messages.entries()) {
    if (m.role !== "user" && m.role !== "assistant") return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    const last = i === messages.length - 1;
    if ((typeof m.content === "string" ? !m.content : !m.content.length) && !(last && m.role === "assistant"))
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    for (const b of blocksOf(m)) {
      if (b.type !== "text" || typeof m.content === "string") continue;
      if (b.text === "") return "messages: text content blocks must be non-empty";
      if (!String(b.text).trim()) return "messages: text content blocks must contain non-whitespace text";
    }
  }
  return undefined;
}

function toolPairing(messages: Msg[]): string | undefined {
  for (const [i, m] of messages.entries()) {
    const blocks = blocksOf(m);
    if (m.role === "assistant") {
      const ids = blocks.filter((b) => b.type === "tool_use").map((b) => String(b.id));
      if (!ids.length) continue;
      const next = messages[i + 1];
      const answered = new Set(
        next?.role === "user"
          ? blocksOf(next)
              .filter((b) => b.type === "tool_result")
              .map((b) => b.tool_use_id)
          : [],
      );
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length)
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    } else {
      const prev = messages[i - 1];
      const asked = new Set(
        prev?.role === "assistant"
          ? blocksOf(prev)
              .filter((b) => b.type === "tool_use")
              .map((b) => b.id)
          : [],
      );
      for (const [j, b] of blocks.entries()) {
        if (b.type === "tool_result" && !asked.has(b.tool_use_id))
          return `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(b.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
  }
  return undefined;
}

/** With thinking on, the assistant turn of the tool-use cycle in progress must start with its thinking, signed. */
function thinkingRules(body: any): string | undefined {
  const messages = body.messages as Msg[];
  for (const [i, m] of messages.entries()) {
    if (m.role !== "assistant") continue;
    for (const [j, b] of blocksOf(m).entries()) {
      if (b.type === "thinking" && b.signature !== signThinking(String(b.thinking)))
        return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
      if (b.type === "thinking" && !thinkingEnabled(body) && i === messages.length - 1)
        return `messages.${i}.content.${j}: When thinking is disabled, an \`assistant\` message in the final position cannot contain \`thinking\`. To use thinking blocks, enable \`thinking\` in your request.`;
    }
  }
  if (!thinkingEnabled(body)) return undefined;
  const last = messages.at(-1);
  const inCycle = last?.role === "user" && blocksOf(last).some((b) => b.type === "tool_result");
  const i = messages.length - 2;
  const turn = messages[i];
  if (!inCycle || turn?.role !== "assistant") return undefined;
  const first = blocksOf(turn)[0];
  if (first?.type === "thinking" || first?.type === "redacted_thinking") return undefined;
  return `messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first?.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`;
}

export function invalidRequest(body: any): string | undefined {
  return (
    topLevel(body) ??
    contentRules(body.messages) ??
    toolRules(body) ??
    toolPairing(body.messages) ??
    thinkingRules(body)
  );
}
