// A real receiver on 127.0.0.1 that counts what reaches it (requests and TCP connections).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  url: string;
  port: number;
  requests: IncomingMessage[];
  connections: number;
  close(): Promise<void>;
}

export async function startLoopbackServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  bind: { host?: string; port?: number } = {},
): Promise<LoopbackServer> {
  const host = bind.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    state.requests.push(req);
    handler(req, res);
  });
  const state: LoopbackServer = {
    url: '',
    port: 0,
    requests: [],
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(bind.port ?? 0, host, resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://${host}:${state.port}`;
  return state;
}
