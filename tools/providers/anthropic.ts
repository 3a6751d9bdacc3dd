import Anthropic, { APIError, APIConnectionError } from "@anthropic-ai/sdk";
import { DpError } from "../../engine/errors.ts";
import { redact } from "../../engine/secrets.ts";
import type { Completion, CompletionRequest, ContentBlock, Provider } from "./provider.ts";

export interface AnthropicOptions {
  apiKey: string;
  /** default: ANTHROPIC_BASE_URL, else the SDK's default */
  baseURL?: string;
  /** retries on 408/409/429/5xx/529, honouring retry-after(-ms); exponential backoff with jitter otherwise */
  maxRetries?: number;
  timeoutMs?: number;
}

/**
 * Every request body passes through redact() on its way out, so a registered secret cannot
 * reach the API whichever path put it into a message.
 */
function redactingFetch(onAttempt: () => void): typeof fetch {
  const wrapped = (input: string | URL | Request, init?: RequestInit) => {
    onAttempt();
    const body = typeof init?.body === "string" ? redact(init.body) : init?.body;
    return fetch(input, { ...init, body });
  };
  return wrapped as typeof fetch;
}

export class AnthropicProvider implements Provider {
  readonly name = "anthropic";
  private readonly client: Anthropic;
  private attempts = 0;

  constructor(options: AnthropicOptions) {
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? undefined,
      maxRetries: options.maxRetries ?? 4,
      timeout: options.timeoutMs ?? 60_000,
      fetch: redactingFetch(() => this.attempts++),
    });
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const before = this.attempts;
    try {
      const res = await this.client.messages.create(
        {
          model: request.model,
          system: request.system,
          max_tokens: request.maxTokens,
          messages: request.messages as Anthropic.MessageParam[],
          tools: request.tools as Anthropic.Tool[],
        },
        { signal: request.signal },
      );
      const content: ContentBlock[] = [];
      for (const b of res.content) {
        if (b.type === "text") content.push({ type: "text", text: b.text });
        else if (b.type === "tool_use")
          content.push({ type: "tool_use", id: b.id, name: b.name, input: (b.input ?? {}) as Record<string, unknown> });
      }
      return {
        model: res.model,
        content,
        stop_reason: res.stop_reason ?? "end_turn",
        usage: { input_tokens: res.usage.input_tokens, output_tokens: res.usage.output_tokens },
        attempts: this.attempts - before,
      };
    } catch (e) {
      throw providerError(e, this.attempts - before);
    }
  }
}

function providerError(e: unknown, attempts: number): DpError {
  if (e instanceof APIError && e.status !== undefined) {
    const status = e.status;
    const fix =
      status === 401 || status === 403
        ? "check ANTHROPIC_API_KEY (dp doctor), or answer offline with --offline"
        : status === 429 || status === 529 || status >= 500
          ? "the API is busy; try again shortly, or answer offline with --offline"
          : "see the message; --offline answers without the API";
    return new DpError(
      status === 401 || status === 403 ? "SOURCE_AUTH" : "SOURCE_HTTP",
      `the Anthropic API answered ${status} after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${redact(e.message)}`,
      {
        where: "ai provider anthropic",
        fix,
        transient: status === 429 || status >= 500,
        cause: e,
      },
    );
  }
  if (e instanceof APIConnectionError) {
    return new DpError(
      "SOURCE_TRANSIENT",
      `cannot reach the Anthropic API after ${attempts} attempts: ${redact(e.message)}`,
      {
        where: "ANTHROPIC_BASE_URL",
        fix: "check the network or ANTHROPIC_BASE_URL, or answer offline with --offline",
        transient: true,
        cause: e,
      },
    );
  }
  if (e instanceof DpError) return e;
  return new DpError("INTERNAL", `the Anthropic provider failed: ${redact((e as Error).message)}`, {
    where: "ai provider anthropic",
    cause: e,
  });
}
