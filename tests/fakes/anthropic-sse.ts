/**
 * A Messages API reply as the API streams it (`"stream": true`): server-sent events, each a named
 * event whose data carries the same `type` — message_start (the message with empty content and a
 * null stop_reason), per content block a content_block_start, deltas (text_delta, input_json_delta
 * as partial JSON strings, thinking_delta, signature_delta) and content_block_stop, ping events
 * between, a message_delta with the stop_reason and the cumulative output usage, message_stop.
 */

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

type Block = { type: string; [k: string]: unknown };

const chunks = (s: string, size = 16): string[] => {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length ? out : [""];
};

function blockEvents(index: number, b: Block): SseEvent[] {
  const ev = (type: string, extra: Record<string, unknown>): SseEvent => ({
    event: type,
    data: { type, index, ...extra },
  });
  const delta = (d: Record<string, unknown>) => ev("content_block_delta", { delta: d });
  let start: Block;
  let deltas: SseEvent[];
  if (b.type === "text") {
    start = { type: "text", text: "" };
    deltas = chunks(String(b.text)).map((text) => delta({ type: "text_delta", text }));
  } else if (b.type === "tool_use") {
    start = { type: "tool_use", id: b.id, name: b.name, input: {} };
    deltas = chunks(JSON.stringify(b.input ?? {})).map((partial_json) =>
      delta({ type: "input_json_delta", partial_json }),
    );
  } else if (b.type === "thinking") {
    start = { type: "thinking", thinking: "", signature: "" };
    deltas = [
      ...chunks(String(b.thinking)).map((thinking) => delta({ type: "thinking_delta", thinking })),
      delta({ type: "signature_delta", signature: b.signature }),
    ];
  } else {
    start = b;
    deltas = [];
  }
  return [ev("content_block_start", { content_block: start }), ...deltas, ev("content_block_stop", {})];
}

export function sseEvents(message: Record<string, any>): SseEvent[] {
  const { content, stop_reason, stop_sequence, usage, ...rest } = message;
  const events: SseEvent[] = [
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: {
          ...rest,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
        },
      },
    },
  ];
  (content as Block[]).forEach((b, i) => {
    events.push(...blockEvents(i, b));
    if (i === 0) events.push({ event: "ping", data: { type: "ping" } });
  });
  events.push(
    {
      event: "message_delta",
      data: {
        type: "message_delta",
        delta: { stop_reason, stop_sequence: stop_sequence ?? null },
        usage: { output_tokens: usage.output_tokens },
      },
    },
    { event: "message_stop", data: { type: "message_stop" } },
  );
  return events;
}

export function sseText(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}
