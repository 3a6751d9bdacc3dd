import { defineCommand } from "citty";
import { DpError } from "../engine/errors.ts";

export default defineCommand({
  meta: { name: "ask", description: "answer a question from the marts through typed tools" },
  args: { question: { type: "positional", required: false } },
  async run() {
    throw new DpError("INTERNAL", "dp ask is being built");
  },
});
