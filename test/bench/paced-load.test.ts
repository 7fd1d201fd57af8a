// The bench's fixed-rate load generator, against real loopback servers.
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { runPacedLoad } from '../../bench/lib/paced-load.ts';
import { pacerBinary } from '../../bench/lib/pacer-build.ts';

const paths = Array.from({ length: 10 }, (_, i) => `/c/link${i}?sub1=s${i}`);
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: Server | NetServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** writeHead then end() with no length: node:http sends it chunked, a framing the pacer must read too. */
function redirect(res: import('node:http').ServerResponse): void {
  res.writeHead(302, { location: 'https://example.com/landing?click_id=abc' });
  res.end();
}

describe('runPacedLoad', () => {
  it('holds the asked rate and counts every 302', async () => {
    const url = await listen(createServer((_req, res) => redirect(res)));
    const result = await runPacedLoad({ url, rate: 2000, seconds: 1, paths });
    expect(result.requests).toBe(2000);
    expect(Math.abs(result.rate - 2000) / 2000).toBeLessThan(0.1);
    expect(result.answers).toEqual({ '2xx': 0, '3xx': 2000, '4xx': 0, '5xx': 0, errors: 0 });
    expect(result.p50).toBeGreaterThan(0);
    expect(result.p50).toBeLessThanOrEqual(result.p99);
    expect(result.p99).toBeLessThanOrEqual(result.max);
  });

  it('measures a server that answers after 20 ms at ≥ 20 ms', async () => {
    const url = await listen(
      createServer((_req, res) => {
        setTimeout(() => res.end('slow'), 20);
      }),
    );
    const result = await runPacedLoad({ url, rate: 200, seconds: 0.5, paths });
    expect(result.answers['2xx']).toBe(100);
    expect(result.p50).toBeGreaterThanOrEqual(20);
  });

  it('counts a stall from each request’s intended time (coordinated omission)', async () => {
    // The server runs in a worker thread, so its 300 ms stall blocks it and not the generator.
    const worker = new Worker(
      `
      const { createServer } = require('node:http');
      const { parentPort } = require('node:worker_threads');
      let stalled = false;
      const server = createServer((_req, res) => {
        if (!stalled) {
          stalled = true;
          setTimeout(() => { const until = Date.now() + 300; while (Date.now() < until); }, 500);
        }
        res.end('ok');
      });
      server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
      `,
      { eval: true },
    );
    cleanups.push(() => worker.terminate().then(() => {}));
    const port = await new Promise<number>((resolve) => worker.once('message', resolve));
    // Four connections: a generator that timed from its actual sends would see only the four
    // requests caught in flight (0.3 % of 1 500) slow, and a p99 of about a millisecond. Timed from
    // the intended send, the ~300 requests that fell due during the stall are all late.
    const result = await runPacedLoad({
      url: `http://127.0.0.1:${port}`,
      rate: 1000,
      seconds: 1.5,
      paths,
      connections: 4,
    });
    expect(result.answers['2xx']).toBe(1500);
    expect(result.p99).toBeGreaterThanOrEqual(100);
    expect(result.max).toBeGreaterThanOrEqual(250);
    expect(result.lateSends).toBeGreaterThan(100);
  });

  it('parses answers written byte by byte, sized or chunked', async () => {
    const answers = [
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\ncontent-LENGTH: 5\r\n\r\nhello',
      'HTTP/1.1 302 Found\r\nLocation: /x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\n\r\n',
    ];
    let served = 0;
    const server = createNetServer((socket) => {
      socket.setNoDelay(true);
      socket.on('error', () => {});
      let received = '';
      socket.on('data', (data) => {
        received += data.toString('latin1');
        while (received.includes('\r\n\r\n')) {
          received = received.slice(received.indexOf('\r\n\r\n') + 4);
          writeByteByByte(socket, answers[served++ % answers.length]);
        }
      });
    });
    const url = await listen(server);
    const result = await runPacedLoad({ url, rate: 100, seconds: 0.3, paths, connections: 2 });
    expect(result.requests).toBe(30);
    expect(result.answers).toEqual({ '2xx': 15, '3xx': 15, '4xx': 0, '5xx': 0, errors: 0 });
  });

  it('counts a connection the server destroys as an error and finishes the run', async () => {
    let seen = 0;
    const url = await listen(
      createServer((req, res) => {
        if (++seen === 100) req.socket.destroy();
        else redirect(res);
      }),
    );
    const result = await runPacedLoad({ url, rate: 500, seconds: 1, paths, connections: 8 });
    expect(result.requests).toBe(500);
    expect(result.answers.errors).toBe(1);
    expect(result.answers['3xx']).toBe(499);
  });

  it('counts an answer without Content-Length as an error', async () => {
    const server = createNetServer((socket) => {
      socket.on('error', () => {});
      socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello'));
    });
    const url = await listen(server);
    const result = await runPacedLoad({ url, rate: 100, seconds: 0.2, paths, connections: 2 });
    expect(result.answers.errors).toBe(20);
    expect(result.answers['2xx']).toBe(0);
  });
});

/** Writes each byte separately, a turn of the event loop apart, so the client reads them apart. */
function writeByteByByte(socket: import('node:net').Socket, text: string): void {
  const bytes = Buffer.from(text, 'latin1');
  let i = 0;
  const next = () => {
    if (i >= bytes.length || socket.destroyed) return;
    socket.write(bytes.subarray(i, ++i));
    setImmediate(next);
  };
  next();
}

describe("the generator's response parser", () => {
  const twoAnswers =
    'HTTP/1.1 302 Found\r\nLocation: /a\r\nContent-Length: 0\r\n\r\n' +
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n0\r\nX-Trailer: 1\r\n\r\n' +
    'HTTP/1.1 100 Continue\r\n\r\n' +
    'HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found';

  /** Each feeding's answers ("status:keepalive" words) and its parse errors, as the generator read them. */
  function feedings(bytes: string): string[] {
    const out = execFileSync(pacerBinary(), ['parse'], { input: Buffer.from(bytes, 'latin1') });
    return out.toString().trim().split('\n');
  }

  it('reads several answers split at every possible byte, and byte by byte', () => {
    const lines = feedings(twoAnswers);
    // One feeding per cut (0 to the last byte), then one byte by byte.
    expect(lines).toHaveLength(twoAnswers.length + 2);
    for (const [cut, line] of lines.entries()) expect(line, `feeding ${cut}`).toBe('302:1 200:1 404:0|0');
  });

  it('takes HTTP/1.0 answers as closing their connection unless they say keep-alive', () => {
    const lines = feedings(
      'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok' +
        'HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n',
    );
    expect(new Set(lines)).toEqual(new Set(['200:0 204:1|0']));
  });

  it('rejects an answer with neither Content-Length nor chunked encoding', () => {
    expect(new Set(feedings('HTTP/1.1 200 OK\r\n\r\nbody'))).toEqual(new Set(['|1']));
  });

  it('rejects a bad status line and a bad chunk size', () => {
    expect(new Set(feedings('HTTP/2 200\r\nContent-Length: 0\r\n\r\n'))).toEqual(new Set(['|1']));
    expect(new Set(feedings('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'))).toEqual(
      new Set(['|1']),
    );
  });
});
