import type { AskState } from "../ask/question-audit.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const LABEL: Partial<Record<AskState, string>> = {
  received: "thinking",
  planning: "thinking",
  tool_calls: "querying the marts",
  validating: "checking the numbers",
};

export interface Spinner {
  state(s: AskState): void;
  /** hold the line while the human answers a prompt */
  pause(): void;
  resume(): void;
  stop(): void;
}

/** One updating line on stderr while the agent works; nothing at all when stderr is not a terminal. */
export function startSpinner(stream: NodeJS.WriteStream = process.stderr): Spinner {
  if (!stream.isTTY) return { state() {}, pause() {}, resume() {}, stop() {} };
  let label = "thinking";
  let i = 0;
  const draw = () => stream.write(`\r\x1b[2K${FRAMES[i++ % FRAMES.length]} ${label}…`);
  let timer: ReturnType<typeof setInterval> | undefined = setInterval(draw, 80);
  draw();
  const halt = () => {
    clearInterval(timer);
    timer = undefined;
    stream.write("\r\x1b[2K");
  };
  return {
    state(s) {
      label = LABEL[s] ?? label;
    },
    pause: halt,
    resume() {
      timer ??= setInterval(draw, 80);
    },
    stop: halt,
  };
}
