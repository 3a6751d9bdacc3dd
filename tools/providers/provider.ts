import { DpError, type DpErrorCode } from "../../engine/errors.ts";

/**
 * The seam between the agent loop and an LLM vendor: messages and tool specs in, content blocks,
 * why the model stopped and token usage out. The loop and the tools never import a vendor SDK.
 * Every field added since the first version is optional, so callers written for it still work.
 */
export interface ToolSpec {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; tool_use_id: string; content: string; is_error?: boolean }
  /** the model's reasoning, signed by the vendor: sent back unchanged in its assistant turn */
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string };

export interface Message {
  role: "user" | "assistant";
  content: string | ContentBlock[];
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
}

/** auto (default): the model decides · none: answer in prose now · any / tool: a tool call is forced (structured output) */
export type ToolChoice = { type: "auto" } | { type: "none" } | { type: "any" } | { type: "tool"; name: string };

export interface CompletionRequest {
  model: string;
  system: string;
  messages: Message[];
  tools: ToolSpec[];
  /** output tokens for the reply; with thinkingBudget the vendor is asked for their sum */
  maxTokens: number;
  signal?: AbortSignal;
  toolChoice?: ToolChoice;
  /** extended thinking with this many tokens for reasoning (less than maxTokens) */
  thinkingBudget?: number;
  /** epoch ms by which the completion, retries included, must be done */
  deadline?: number;
}

export type StopReason =
  | "end_turn"
  | "tool_use"
  | "max_tokens"
  | "stop_sequence"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded";

export interface Completion {
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | (string & {});
  /** the vendor's detail on why it stopped (a refusal's category and explanation) */
  stop_details?: { type?: string; category?: string | null; explanation?: string | null } | null;
  usage: Usage;
  /** HTTP attempts the provider made, retries included */
  attempts: number;
}

export interface Provider {
  readonly name: string;
  complete(request: CompletionRequest): Promise<Completion>;
}

/** A completion that failed after `attempts` HTTP attempts, with what they cost (a stream cut midway is billed). */
export class ProviderError extends DpError {
  constructor(
    code: DpErrorCode,
    message: string,
    readonly attempts: number,
    readonly usage: Usage,
    options: ConstructorParameters<typeof DpError>[2] = {},
  ) {
    super(code, message, options);
  }
}
