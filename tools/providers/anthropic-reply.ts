/**
 * A Messages API reply read whole, whichever way it came: a JSON message, or server-sent events
 * (message_start, content blocks built from their deltas, message_delta with the stop_reason and
 * cumulative usage, message_stop; pings and unknown events skipped). A stream that breaks off (an
 * `error` event such as overloaded_error, or the connection closing before message_stop) throws
 * BrokenReply with the usage it had reached, so the caller can retry and still count the cost.
 */

export interface RawBlock {
  type: string;
  [k: string]: unknown;
}

export interface RawMessage {
  model: string;
  content: RawBlock[];
  stop_reason: string | null;
  stop_details?: { type?: string; category?: string | null; explanation?: string | null } | null;
  usage: { input_tokens: number; output_tokens: number };
}

export class BrokenReply extends Error {
  constructor(
    message: string,
    /** the API's error type from an `error` event, if it sent one */
    readonly errorType: string | undefined,
    readonly usage: { input_tokens: number; output_tokens: number },
  ) {
    super(message);
  }
}

/** Blank-line separated events of `event:` / `data:` lines (comments and ids ignored). */
async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replaceAll("\r\n", "\n");
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of frame.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) yield { event, data: data.join("\n") };
    }
  }
}

/** One streamed event applied to the message being built; true at message_stop. */
function apply(msg: RawMessage, json: Record<string, any>, partial: Map<number, string>): boolean {
  switch (json.type) {
    case "message_start":
      Object.assign(msg, json.message, { content: [] });
      return false;
    case "content_block_start":
      msg.content[json.index] = { ...json.content_block };
      return false;
    case "content_block_delta": {
      const b = msg.content[json.index]!;
      const d = json.delta;
      if (d.type === "text_delta") b.text = `${b.text ?? ""}${d.text}`;
      else if (d.type === "input_json_delta") partial.set(json.index, (partial.get(json.index) ?? "") + d.partial_json);
      else if (d.type === "thinking_delta") b.thinking = `${b.thinking ?? ""}${d.thinking}`;
      else if (d.type === "signature_delta") b.signature = d.signature;
      return false;
    }
    case "content_block_stop": {
      const raw = partial.get(json.index);
      if (raw !== undefined) msg.content[json.index]!.input = raw.trim() ? JSON.parse(raw) : {};
      partial.delete(json.index);
      return false;
    }
    case "message_delta":
      msg.stop_reason = json.delta?.stop_reason ?? msg.stop_reason;
      if (json.delta?.stop_details !== undefined) msg.stop_details = json.delta.stop_details;
      if (json.usage?.output_tokens !== undefined) msg.usage.output_tokens = json.usage.output_tokens;
      if (json.usage?.input_tokens) msg.usage.input_tokens = json.usage.input_tokens;
      return false;
    case "message_stop":
      return true;
    default:
      return false;
  }
}

async function readStream(response: Response): Promise<RawMessage> {
  const msg: RawMessage = { model: "", content: [], stop_reason: null, usage: { input_tokens: 0, output_tokens: 0 } };
  const partial = new Map<number, string>();
  try {
    for await (const { event, data } of sseEvents(response.body!)) {
      const json = JSON.parse(data);
      if (event === "error" || json.type === "error")
        throw new BrokenReply(
          `the stream broke off: ${json.error?.type ?? "error"}: ${json.error?.message ?? ""}`,
          json.error?.type,
          msg.usage,
        );
      if (apply(msg, json, partial)) return msg;
    }
  } catch (e) {
    if (e instanceof BrokenReply || (e as Error).name === "AbortError") throw e;
    throw new BrokenReply(`the stream broke off: ${(e as Error).message}`, undefined, msg.usage);
  }
  // a tool_use cut mid-JSON stays out: its input was never whole
  throw new BrokenReply("the stream ended before message_stop", undefined, msg.usage);
}

export async function readReply(response: Response): Promise<RawMessage> {
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) return readStream(response);
  return (await response.json()) as RawMessage;
}
