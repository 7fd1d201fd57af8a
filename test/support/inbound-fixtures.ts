// Test-only helpers: a catalog (test/support/fixtures.ts) shaped for inbound postbacks, clicks
// written straight into the store, and a loopback HTTP helper for the inbound routes.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/database.types.ts';
import { createCatalog } from './fixtures.ts';
import { clickRow } from './rows.ts';

export interface CatalogOptions {
  ipAllowlist?: string[];
  statusMap?: Record<string, string>;
  payout?: number;
  revenue?: number;
  currency?: string;
  allowDuplicates?: boolean;
  clickLifetimeDays?: number;
  goals?: { key: string; payout?: number | null; revenue?: number | null }[];
  /** /postback?network=… slug, parameter preset, own parameter names and signing secret. */
  network?: string;
  preset?: string;
  parameterMap?: Record<string, string | null>;
  signatureSecret?: string;
}

export interface InboundCatalog {
  token: string;
  advertiserId: number;
  offerId: number;
  publisherId: number;
  linkId: number;
  /** Writes a click on this catalog's link, created at `createdAt`. */
  click(createdAt: number): Promise<string>;
}

export async function createInboundCatalog(
  db: Db,
  now: number,
  options: CatalogOptions = {},
): Promise<InboundCatalog> {
  const token = `tok_${randomBytes(12).toString('hex')}`;
  const catalog = await createCatalog(db, {
    now,
    advertiser: {
      postback_token: token,
      ip_allowlist: JSON.stringify(options.ipAllowlist ?? []),
      status_map: JSON.stringify(options.statusMap ?? {}),
      network: options.network ?? null,
      parameter_preset: options.preset ?? null,
      parameter_map: JSON.stringify(options.parameterMap ?? {}),
      signature_secret: options.signatureSecret ?? null,
    },
    offer: {
      payout: options.payout ?? 3.5,
      revenue: options.revenue ?? 5,
      currency: options.currency ?? 'USD',
      allow_duplicates: options.allowDuplicates ? 1 : 0,
      click_lifetime_days: options.clickLifetimeDays ?? 30,
    },
    goals: (options.goals ?? []).map((g) => ({
      key: g.key,
      payout: g.payout ?? null,
      revenue: g.revenue ?? null,
    })),
  });
  const advertiserId = Number(catalog.advertiser.id);
  const offerId = Number(catalog.offer.id);
  const publisherId = Number(catalog.publisher.id);
  const linkId = Number(catalog.link.id);
  return {
    token,
    advertiserId,
    offerId,
    publisherId,
    linkId,
    async click(createdAt) {
      const row = clickRow({
        link_id: linkId,
        offer_id: offerId,
        publisher_id: publisherId,
        advertiser_id: advertiserId,
        ip: '198.51.100.7',
        user_agent: 'test',
        created_at: createdAt,
      });
      await db.insertInto('clicks').values(row).execute();
      return row.id;
    },
  };
}

export interface Answer {
  status: number;
  body: { result?: string; code?: string; conversionId?: string; status?: string; error?: unknown };
}

/** One HTTP request; `form` and `json` pick the body encoding. */
export async function send(
  url: string,
  init: {
    method?: string;
    form?: Record<string, string>;
    json?: unknown;
    body?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined = init.body;
  if (init.form) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await response.text();
  let parsed: Answer['body'] = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { error: text };
  }
  return { status: response.status, body: parsed };
}

export const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
