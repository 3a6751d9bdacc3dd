import type { Completion, ContentBlock, Message } from "../providers/provider.ts";
import type { ToolCallResult } from "../toolbox/index.ts";

export type StopReason =
  | "answered"
  | "max_tool_calls"
  | "token_cap"
  | "budget"
  | "deadline"
  | "needs_approval"
  | "quality_gate"
  /** the answer was cut at the model's output limit, even after a continuation */
  | "max_tokens"
  /** the model declined (stop_reason refusal) */
  | "refusal";

/** One model's try at the question: the conversation it had, the tools it ran, why it stopped. */
export interface Attempt {
  model: string;
  messages: Message[];
  text: string | null;
  stop: StopReason;
  results: ToolCallResult[];
  /** each result as the model saw it (JSON) */
  views: string[];
  /** results kept on this machine (row-level rows), shown to the human under the answer */
  withheld: ToolCallResult[];
  pendingAct?: { tool: string; input: Record<string, unknown> };
  /** the vendor's word on a refusal */
  stopDetails?: Completion["stop_details"];
}

export type ToolUse = Extract<ContentBlock, { type: "tool_use" }>;

export const CONTINUE =
  "[dp] Your reply was cut off at the output limit. Continue it from exactly where it stopped, without repeating what you wrote, and finish briefly.";

/**
 * A reply's blocks as the API accepts them back in the assistant turn: empty or whitespace-only
 * text blocks dropped (400 otherwise), thinking and redacted_thinking kept in place and unchanged
 * (400 with thinking on when they are missing), a thinking block cut before its signature dropped.
 */
export function sendable(content: ContentBlock[]): ContentBlock[] {
  return content.filter((b) => {
    if (b.type === "text") return b.text.trim() !== "";
    if (b.type === "thinking") return !!b.signature;
    return true;
  });
}

export function textOf(content: ContentBlock[]): string {
  return content
    .flatMap((b) => (b.type === "text" ? [b.text] : []))
    .join("\n")
    .trim();
}
