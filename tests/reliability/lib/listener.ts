import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";

/** A loopback TCP port that only counts who connects: any connection is a request that got out. */
export class Tripwire {
  connections = 0;
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Tripwire> {
    let t!: Tripwire;
    const server = createServer((sock) => {
      t.connections++;
      sock.destroy();
    });
    t = new Tripwire(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return t;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
