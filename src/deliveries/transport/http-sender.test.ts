import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoopbackServer, startLoopbackServer } from '../../../test/support/loopback-server.ts';
import type { LookupAll } from './address-policy.ts';
import { createSender } from './http-sender.ts';
import type { Sender, SenderOptions } from './outbound.types.ts';

const open: Array<LoopbackServer | Sender> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function serve(
  handler: Parameters<typeof startLoopbackServer>[0],
  bind?: Parameters<typeof startLoopbackServer>[1],
): Promise<LoopbackServer> {
  const server = await startLoopbackServer(handler, bind);
  open.push(server);
  return server;
}

function sender(overrides: Partial<SenderOptions> = {}): Sender {
  const s = createSender({
    allowPrivateTargets: true,
    allowedTargets: [],
    userAgent: 'Trackwire-Test/1',
    ...overrides,
  });
  open.push(s);
  return s;
}

const get = (url: string, timeoutMs = 5_000) => ({ url, method: 'GET' as const, headers: {}, timeoutMs });

/** A resolver that answers every name with the given addresses, as a hostile DNS server would. */
function fakeResolver(addresses: string[]): LookupAll {
  return (_host, _options, callback) =>
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
}

describe('createSender: answers', () => {
  it('records a 2xx as success with its body, and sends method, body, headers and User-Agent', async () => {
    let seen = { method: '', body: '', type: '', ua: '' };
    const server = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen = {
          method: req.method!,
          body,
          type: req.headers['content-type']!,
          ua: req.headers['user-agent']!,
        };
        res.end('OK');
      });
    });
    const result = await sender().send({
      url: `${server.url}/hook`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
      timeoutMs: 5_000,
    });
    expect(result).toMatchObject({ statusCode: 200, errorClass: null, errorMessage: null });
    expect(result).toMatchObject({ responseExcerpt: 'OK', responseTruncated: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(seen).toEqual({
      method: 'POST',
      body: '{"a":1}',
      type: 'application/json',
      ua: 'Trackwire-Test/1',
    });
  });

  it.each([400, 404, 410, 500, 503])(
    'records %i as an http failure with the receiver body',
    async (status) => {
      const server = await serve((_req, res) => {
        res.statusCode = status;
        res.end(`answer ${status}`);
      });
      const result = await sender().send(get(server.url));
      expect(result).toMatchObject({
        statusCode: status,
        errorClass: 'http',
        responseExcerpt: `answer ${status}`,
      });
      expect(result.errorMessage).toContain(String(status));
    },
  );

  it('records a 308 with its Location and never visits the target', async () => {
    const target = await serve((_req, res) => res.end('should not be reached'));
    const redirecting = await serve((_req, res) => {
      res.writeHead(308, { location: `${target.url}/elsewhere` });
      res.end();
    });
    const result = await sender().send(get(`${redirecting.url}/hook`));
    expect(result).toMatchObject({
      statusCode: 308,
      errorClass: 'http',
      location: `${target.url}/elsewhere`,
    });
    expect(redirecting.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it('keeps at most maxResponseBytes of a large body and marks it truncated', async () => {
    const server = await serve((_req, res) => res.end('a'.repeat(100 * 1024)));
    const result = await sender().send(get(server.url));
    expect(result.statusCode).toBe(200);
    expect(Buffer.byteLength(result.responseExcerpt)).toBe(20_480);
    expect(result.responseTruncated).toBe(true);
  });

  it('does not split a multi-byte character at the cap', async () => {
    const server = await serve((_req, res) => res.end('ééé'));
    const result = await sender({ maxResponseBytes: 5 }).send(get(server.url));
    expect(result).toMatchObject({ responseExcerpt: 'éé', responseTruncated: true });
  });

  it('parses Retry-After in seconds and as an HTTP date', async () => {
    const server = await serve((req, res) => {
      const value = req.url === '/seconds' ? '120' : new Date(Date.now() + 600_000).toUTCString();
      res.writeHead(429, { 'retry-after': value });
      res.end();
    });
    const s = sender();
    const seconds = await s.send(get(`${server.url}/seconds`));
    expect(seconds).toMatchObject({ statusCode: 429, retryAfterMs: 120_000 });
    const date = await s.send(get(`${server.url}/date`));
    // HTTP dates have one-second resolution; the wide band only absorbs that rounding.
    expect(date.retryAfterMs).toBeGreaterThan(590_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(600_000);
  });

  it('reuses keep-alive connections for sequential sends to one origin', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const single = sender({ connectionsPerOrigin: 1 });
    for (let i = 0; i < 5; i++) expect((await single.send(get(server.url))).statusCode).toBe(200);
    expect(server.requests).toHaveLength(5);
    expect(server.connections).toBe(1);
    // With a wider pool undici may open a second socket while the first is still draining,
    // but it must not open one per request.
    const pooled = sender();
    for (let i = 0; i < 10; i++) expect((await pooled.send(get(server.url))).statusCode).toBe(200);
    expect(server.connections - 1).toBeLessThanOrEqual(2);
  });
});

describe('createSender: failures without an answer', () => {
  it('gives up at the deadline on a receiver that never answers', async () => {
    const server = await serve(() => {});
    const result = await sender().send(get(server.url, 200));
    expect(result).toMatchObject({ statusCode: 0, errorClass: 'timeout' });
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the status and what arrived when the body stalls past the deadline', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('accepted;');
    });
    const result = await sender().send(get(server.url, 300));
    expect(result).toMatchObject({ statusCode: 200, errorClass: null, responseTruncated: true });
    expect(result.responseExcerpt).toBe('accepted;');
  });

  it('classifies a failed TLS handshake as tls', async () => {
    const server = await serve((_req, res) => res.end('plain http'));
    const result = await sender().send(get(`https://127.0.0.1:${server.port}/`));
    expect(result).toMatchObject({ statusCode: 0, errorClass: 'tls' });
  });

  it('classifies a closed port as connect', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const result = await sender().send(get(`http://127.0.0.1:${port}/`));
    expect(result).toMatchObject({ statusCode: 0, errorClass: 'connect' });
    expect(result.errorMessage).toContain('ECONNREFUSED');
  });

  it('classifies an unresolvable host as dns', async () => {
    const result = await sender().send(get('http://no-such-receiver.invalid/hook'));
    expect(result).toMatchObject({ statusCode: 0, errorClass: 'dns' });
  });

  it('refuses a non-http scheme without sending', async () => {
    const result = await sender().send(get('file:///etc/passwd'));
    expect(result).toMatchObject({ statusCode: 0, errorClass: 'refused_address' });
  });
});

describe('createSender: SSRF guard at connect time', () => {
  it('refuses a loopback IP target when private targets are not allowed; the server sees nothing', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const result = await sender({ allowPrivateTargets: false }).send(get(server.url));
    expect(result).toMatchObject({ statusCode: 0, errorClass: 'refused_address' });
    expect(result.errorMessage).toContain('loopback');
    expect(server.connections).toBe(0);
  });

  it('lets an allow-listed CIDR through', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const result = await sender({ allowPrivateTargets: false, allowedTargets: ['127.0.0.1/32'] }).send(
      get(server.url),
    );
    expect(result.statusCode).toBe(200);
  });

  it('refuses a hostname that resolves to loopback, and lets it through when the hostname is allow-listed', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const url = `http://receiver.example:${server.port}/hook`;
    const lookup = fakeResolver(['127.0.0.1']);
    const refused = await sender({ allowPrivateTargets: false, lookup }).send(get(url));
    expect(refused).toMatchObject({ statusCode: 0, errorClass: 'refused_address' });
    expect(server.connections).toBe(0);
    const allowed = await sender({
      allowPrivateTargets: false,
      allowedTargets: ['receiver.example'],
      lookup,
    }).send(get(url));
    expect(allowed.statusCode).toBe(200);
  });

  // 127.0.0.2 stands in for the public address (allow-listed), so the test never leaves this machine:
  // the refused loopback receiver on 127.0.0.1 listens on the same port and must see nothing.
  it.each([
    [['127.0.0.2', '127.0.0.1']],
    [['127.0.0.1', '127.0.0.2']],
    [['127.0.0.2', '::ffff:127.0.0.1', '127.0.0.1']],
  ])('never connects to loopback when a rebinding resolver answers %j', async (addresses) => {
    const standIn = await serve((_req, res) => res.end('public'), { host: '127.0.0.2' });
    const loopback = await serve((_req, res) => res.end('loopback'), { port: standIn.port });
    const s = sender({
      allowPrivateTargets: false,
      allowedTargets: ['127.0.0.2/32'],
      lookup: fakeResolver(addresses),
    });
    const result = await s.send(get(`http://rebind.example:${standIn.port}/hook`));
    expect(result.statusCode).toBe(200);
    expect(result.responseExcerpt).toBe('public');
    expect(standIn.requests).toHaveLength(1);
    expect(loopback.connections).toBe(0);
  });
});
