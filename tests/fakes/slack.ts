import { FakeServer } from "./faults.ts";

/**
 * A Slack incoming webhook (and a generic JSON webhook: same shape, any path).
 * Records every post; `fail(…)` from FakeServer switches on 429/500 answers.
 */
export class FakeSlack {
  private constructor(readonly server: FakeServer) {}

  static async start(): Promise<FakeSlack> {
    return new FakeSlack(
      await FakeServer.start(() => ({ status: 200, headers: { "content-type": "text/plain" }, body: "ok" })),
    );
  }

  get url(): string {
    return `${this.server.url}/services/T000/B000/XXXX`;
  }

  get webhookUrl(): string {
    return `${this.server.url}/hooks/dp`;
  }

  /** Posts that were answered 200, in order. */
  posts(path = "/services/"): any[] {
    return this.server.answered(path).map((r) => r.body);
  }

  texts(): string[] {
    return this.posts().map((b) => String(b?.text ?? ""));
  }

  failNext(status: 429 | 500 | 503, times = 1, retryAfter?: string): void {
    this.server.fail({ kind: "status", status, retryAfter }, { times });
  }

  reset(): void {
    this.server.requests.length = 0;
    this.server.clearFaults();
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
