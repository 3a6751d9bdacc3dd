export {};
/**
 * `bun run test`: runs `bun test` over tests/ and ends with the plain line
 * "N passed, N failed" so an empty or broken run is visible in CI logs.
 */
const args = process.argv.slice(2);
const proc = Bun.spawn(["bun", "test", "--timeout", "180000", ...(args.length ? args : ["tests/"])], {
  stdout: "pipe",
  stderr: "pipe",
  env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
});

let tail = "";
async function pump(stream: ReadableStream<Uint8Array>, out: NodeJS.WriteStream) {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    out.write(text);
    tail = (tail + text).slice(-4000);
  }
}
await Promise.all([pump(proc.stdout, process.stdout), pump(proc.stderr, process.stderr)]);
const code = await proc.exited;
const passed = Number(/(\d+) pass\b/.exec(tail)?.[1] ?? 0);
const failed = Number(/(\d+) fail\b/.exec(tail)?.[1] ?? 0);
const failedCount = code !== 0 && failed === 0 ? 1 : failed;
console.log(`\n${passed} passed, ${failedCount} failed`);
process.exit(code !== 0 ? code : passed === 0 ? 1 : 0);
