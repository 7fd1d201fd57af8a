// Loopback stand-ins for the services alerts reach, each validating what it receives as the real one
// would: a Standard Webhooks receiver (verifies the signature), a Slack incoming webhook, the
// Telegram Bot API's sendMessage, and a real SMTP server (smtp-server) that keeps every message.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';

export interface Received {
  /** Parsed JSON body (webhook, slack, telegram) or { subject, text, to } (email). */
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface LoopbackReceiver {
  url: string;
  received: Received[];
  /** Requests refused for failing validation (bad signature, bad shape). */
  refused: string[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => resolve(body));
  });
}

async function listen(
  handle: (
    req: IncomingMessage,
    body: string,
  ) => { status: number; body: string; refused?: string; ok?: Received },
): Promise<LoopbackReceiver> {
  const received: Received[] = [];
  const refused: string[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const answer = handle(req, await readBody(req));
    if (answer.refused) refused.push(answer.refused);
    if (answer.ok) received.push(answer.ok);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    refused,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body);
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A signed-webhook receiver; the secret is set once the channel is created (it is made then). */
export async function startWebhookReceiver(): Promise<LoopbackReceiver & { secret: string }> {
  const state = { secret: '' };
  const receiver = await listen((req, body) => {
    try {
      new Webhook(state.secret).verify(body, req.headers as Record<string, string>);
    } catch (err) {
      return { status: 401, body: '{"error":"bad signature"}', refused: (err as Error).message };
    }
    return { status: 200, body: '{"received":true}', ok: { body: JSON.parse(body), headers: req.headers } };
  });
  return Object.defineProperty(receiver, 'secret', {
    get: () => state.secret,
    set: (s: string) => {
      state.secret = s;
    },
  }) as LoopbackReceiver & { secret: string };
}

/** A Slack incoming webhook: a JSON body with a non-empty `text`, answered "ok". */
export function startSlackReceiver(): Promise<LoopbackReceiver> {
  return listen((req, body) => {
    const json = parseJson(body);
    if (req.method !== 'POST' || typeof json?.text !== 'string' || json.text === '')
      return { status: 400, body: 'invalid_payload', refused: body };
    return { status: 200, body: 'ok', ok: { body: json, headers: req.headers } };
  });
}

/** The Telegram Bot API's sendMessage for one bot token. */
export function startTelegramApi(botToken: string): Promise<LoopbackReceiver> {
  let messageId = 0;
  return listen((req, body) => {
    const match = /^\/bot([^/]+)\/sendMessage$/.exec(req.url ?? '');
    if (!match || match[1] !== botToken)
      return {
        status: 401,
        body: '{"ok":false,"error_code":401,"description":"Unauthorized"}',
        refused: req.url,
      };
    const json = parseJson(body);
    if (!json?.chat_id || typeof json.text !== 'string' || json.text === '')
      return {
        status: 400,
        body: '{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}',
        refused: body,
      };
    messageId++;
    return {
      status: 200,
      body: JSON.stringify({
        ok: true,
        result: { message_id: messageId, chat: { id: json.chat_id }, text: json.text },
      }),
      ok: { body: json, headers: req.headers },
    };
  });
}

/** Decodes RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=) in a header value. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _charset, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const input = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(input.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(input.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(input[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A real SMTP server on loopback (no TLS, no auth) keeping every message it accepts. */
export async function startSmtpServer(): Promise<LoopbackReceiver> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c) => {
        raw += c;
      });
      stream.on('end', () => {
        const [head, ...rest] = raw.split('\r\n\r\n');
        const headers: Record<string, string> = {};
        for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
          const i = line.indexOf(':');
          if (i > 0) headers[line.slice(0, i).toLowerCase()] = decodeHeader(line.slice(i + 1).trim());
        }
        const bodyText = rest.join('\r\n\r\n');
        received.push({
          body: {
            subject: headers.subject,
            text:
              headers['content-transfer-encoding'] === 'quoted-printable'
                ? decodeQuotedPrintable(bodyText)
                : headers['content-transfer-encoding'] === 'base64'
                  ? Buffer.from(bodyText, 'base64').toString('utf8')
                  : bodyText,
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          headers,
        });
        callback(null, 'Message queued as test');
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refused: [],
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
