// The publisher's server for the outbound benchmark: answers 200 (optionally after a delay) and
// counts distinct postback ids, so duplicates and losses are visible.
import { createServer, type Server } from 'node:http';

export interface Receiver {
  url: string;
  received: number;
  distinct: Set<string>;
  delayMs: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const state = { received: 0, distinct: new Set<string>(), delayMs: 0 };
  const server: Server = createServer((req, res) => {
    const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? req.headers['webhook-id'];
    req.resume();
    req.on('end', () => {
      const answer = () => {
        state.received++;
        if (typeof id === 'string') state.distinct.add(id);
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      };
      if (receiver.delayMs > 0) setTimeout(answer, receiver.delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    get received() {
      return state.received;
    },
    distinct: state.distinct,
    delayMs: 0,
    close: () => new Promise((r) => server.close(() => r())),
  };
  return receiver;
}
