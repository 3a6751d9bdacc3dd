/**
 * The seam between the agent loop and an LLM vendor: messages and tool specs in, text and
 * tool_use blocks plus token usage out. The loop and the tools never import a vendor SDK.
 */
export interface ToolSpec {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; tool_use_id: string; content: string; is_error?: boolean };

export interface Message {
  role: "user" | "assistant";
  content: string | ContentBlock[];
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
}

export interface CompletionRequest {
  model: string;
  system: string;
  messages: Message[];
  tools: ToolSpec[];
  maxTokens: number;
  signal?: AbortSignal;
}

export interface Completion {
  model: string;
  content: ContentBlock[];
  stop_reason: "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "refusal" | string;
  usage: Usage;
  /** HTTP attempts the provider made, retries included */
  attempts: number;
}

export interface Provider {
  readonly name: string;
  complete(request: CompletionRequest): Promise<Completion>;
}
