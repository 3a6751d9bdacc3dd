import Anthropic, { APIConnectionError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import { DpError } from "../../engine/errors.ts";
import { parseRetryAfter } from "../../engine/ingest/http-retry.ts";
import { redact } from "../../engine/secrets.ts";
import { BrokenReply, type RawBlock, type RawMessage, readReply } from "./anthropic-reply.ts";
import {
  type Completion,
  type CompletionRequest,
  type ContentBlock,
  type Provider,
  ProviderError,
  type Usage,
} from "./provider.ts";

export interface AnthropicOptions {
  apiKey: string;
  /** default: ANTHROPIC_BASE_URL, else the SDK's default */
  baseURL?: string;
  /** retries on 408/409/429/5xx/529, connection resets and broken streams */
  maxRetries?: number;
  /** one HTTP attempt's limit (the request's deadline, when sooner, wins) */
  timeoutMs?: number;
  /** the longest retry-after dp honours; a longer one (or one past the deadline) fails at once */
  maxRetryAfterMs?: number;
}

const NO_USAGE: Usage = { input_tokens: 0, output_tokens: 0 };
const backoffBaseMs = () => Number(process.env.DP_HTTP_RETRY_BASE_MS ?? 500);

/** Every request body passes through redact(), so a registered secret cannot reach the API whichever path put it there. */
function redactingFetch(): typeof fetch {
  const wrapped = (input: string | URL | Request, init?: RequestInit) => {
    const body = typeof init?.body === "string" ? redact(init.body) : init?.body;
    return fetch(input, { ...init, body });
  };
  return wrapped as typeof fetch;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), reject(new APIUserAbortError())), { once: true });
  });
}

function toBlock(b: RawBlock): ContentBlock | undefined {
  if (b.type === "text") return { type: "text", text: String(b.text ?? "") };
  if (b.type === "tool_use")
    return {
      type: "tool_use",
      id: String(b.id),
      name: String(b.name),
      input: (b.input ?? {}) as Record<string, unknown>,
    };
  if (b.type === "thinking")
    return { type: "thinking", thinking: String(b.thinking ?? ""), signature: String(b.signature ?? "") };
  if (b.type === "redacted_thinking") return { type: "redacted_thinking", data: String(b.data ?? "") };
  return undefined;
}

/**
 * Claude through the Messages API. Each request asks for a stream (server-sent events) and reads
 * whatever comes back, events or a JSON message. dp owns the retries (the SDK's are off): 408, 409,
 * 429, 5xx, 529, connection resets and streams that break off are retried up to maxRetries times,
 * honouring retry-after(-ms) up to maxRetryAfterMs and never past the request's deadline.
 */
export class AnthropicProvider implements Provider {
  readonly name = "anthropic";
  private readonly client: Anthropic;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly maxRetryAfterMs: number;

  constructor(options: AnthropicOptions) {
    this.maxRetries = options.maxRetries ?? 4;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 20_000;
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? undefined,
      maxRetries: 0,
      timeout: this.timeoutMs,
      fetch: redactingFetch(),
    });
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const spent: Usage = { ...NO_USAGE };
    for (let attempt = 1; ; attempt++) {
      try {
        const raw = await this.once(request);
        const content = raw.content.map(toBlock).filter((b): b is ContentBlock => !!b);
        return {
          model: raw.model,
          content,
          stop_reason: raw.stop_reason ?? "end_turn",
          stop_details: raw.stop_details ?? null,
          usage: {
            input_tokens: spent.input_tokens + raw.usage.input_tokens,
            output_tokens: spent.output_tokens + raw.usage.output_tokens,
          },
          attempts: attempt,
        };
      } catch (e) {
        if (e instanceof BrokenReply) {
          spent.input_tokens += e.usage.input_tokens;
          spent.output_tokens += e.usage.output_tokens;
        }
        const wait = this.retryWait(e, attempt, request);
        if (typeof wait !== "number") throw providerError(e, attempt, spent, wait, request);
        await sleep(wait, request.signal).catch(() => {
          throw providerError(e, attempt, spent, "aborted", request);
        });
      }
    }
  }

  /** One HTTP attempt, bounded by its own timeout and the request's deadline. */
  private async once(request: CompletionRequest): Promise<RawMessage> {
    const left = request.deadline ? request.deadline - Date.now() : this.timeoutMs;
    if (left <= 0) throw new DeadlinePassed();
    const signals = [AbortSignal.timeout(Math.min(left, this.timeoutMs)), ...(request.signal ? [request.signal] : [])];
    const response = await this.client.messages
      .create(
        {
          model: request.model,
          system: request.system,
          max_tokens: request.maxTokens + (request.thinkingBudget ?? 0),
          messages: request.messages as Anthropic.MessageParam[],
          tools: request.tools as Anthropic.Tool[],
          ...(request.toolChoice ? { tool_choice: request.toolChoice as Anthropic.ToolChoice } : {}),
          ...(request.thinkingBudget ? { thinking: { type: "enabled", budget_tokens: request.thinkingBudget } } : {}),
          stream: true,
        },
        { signal: AbortSignal.any(signals), timeout: Math.min(left, this.timeoutMs) },
      )
      .asResponse();
    return readReply(response);
  }

  /** ms to wait before the next attempt, or why there is none */
  private retryWait(
    e: unknown,
    attempt: number,
    request: CompletionRequest,
  ): number | "final" | "deadline" | "aborted" {
    if (request.signal?.aborted) return "aborted";
    if (e instanceof DeadlinePassed || (request.deadline && Date.now() >= request.deadline)) return "deadline";
    const retryable =
      e instanceof BrokenReply ||
      e instanceof APIConnectionError ||
      isAbort(e) ||
      (e instanceof APIError && e.status !== undefined && retryableStatus(e));
    if (!retryable || attempt > this.maxRetries) return "final";
    const headers = e instanceof APIError ? e.headers : undefined;
    const ms = headers?.get("retry-after-ms");
    const asked = ms && Number.isFinite(Number(ms)) ? Number(ms) : parseRetryAfter(headers?.get("retry-after"));
    const wait = asked ?? Math.random() * Math.min(8_000, backoffBaseMs() * 2 ** (attempt - 1));
    if (asked !== undefined && asked > this.maxRetryAfterMs) return "final";
    if (request.deadline && Date.now() + wait >= request.deadline) return "deadline";
    return wait;
  }
}

function retryableStatus(e: APIError): boolean {
  const should = e.headers?.get("x-should-retry");
  if (should === "false") return false;
  if (should === "true") return true;
  const s = e.status!;
  return s === 408 || s === 409 || s === 429 || s >= 500;
}

class DeadlinePassed extends Error {}

/** an attempt cut by its own timeout (the caller's signal is checked first) */
const isAbort = (e: unknown) =>
  e instanceof APIUserAbortError || ["AbortError", "TimeoutError"].includes((e as Error)?.name);

function providerError(
  e: unknown,
  attempts: number,
  usage: Usage,
  why: "final" | "deadline" | "aborted",
  request: CompletionRequest,
): ProviderError {
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  const where = "ai provider anthropic";
  if (why === "deadline" && request.deadline)
    return new ProviderError(
      "SOURCE_TRANSIENT",
      `the Anthropic API did not answer before the question's deadline (${tries})`,
      attempts,
      usage,
      {
        where: "ai.deadline_seconds",
        fix: "try again shortly, raise ai.deadline_seconds, or answer offline with --offline",
        transient: true,
        cause: e,
      },
    );
  if (e instanceof APIError && e.status !== undefined && !isAbort(e)) {
    const status = e.status;
    const auth = status === 401 || status === 403;
    const busy = status === 429 || status === 529 || status >= 500;
    const after = e.headers?.get("retry-after");
    const waited =
      busy && after && (parseRetryAfter(after) ?? 0) > 0 ? ` (it asked to wait ${after} s, longer than dp waits)` : "";
    return new ProviderError(
      auth ? "SOURCE_AUTH" : "SOURCE_HTTP",
      `the Anthropic API answered ${status} after ${tries}${waited}: ${redact(e.message)}`,
      attempts,
      usage,
      {
        where,
        fix: auth
          ? "check ANTHROPIC_API_KEY (dp doctor), or answer offline with --offline"
          : busy
            ? "the API is busy; try again shortly, or answer offline with --offline"
            : "see the message; --offline answers without the API",
        transient: busy,
        cause: e,
      },
    );
  }
  if (e instanceof BrokenReply || e instanceof APIConnectionError || isAbort(e) || why === "aborted")
    return new ProviderError(
      "SOURCE_TRANSIENT",
      `cannot get an answer from the Anthropic API after ${tries}: ${redact((e as Error).message)}`,
      attempts,
      usage,
      {
        where: "ANTHROPIC_BASE_URL",
        fix: "check the network or ANTHROPIC_BASE_URL, or answer offline with --offline",
        transient: true,
        cause: e,
      },
    );
  if (e instanceof DpError)
    return new ProviderError(e.code, e.message, attempts, usage, { where: e.where, fix: e.fix, cause: e });
  return new ProviderError(
    "INTERNAL",
    `the Anthropic provider failed: ${redact((e as Error).message)}`,
    attempts,
    usage,
    { where, cause: e },
  );
}
