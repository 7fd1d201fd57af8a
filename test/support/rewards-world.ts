// An offerwall set up over the HTTP API: an advertiser (the network), an offer, a rewards
// publisher with rewards on, a link; users click with sub1=<user> and the network posts back.
import type { RewardEntryView } from '../../src/rewards/reward-ledger.service.ts';
import { apiClient, type Call, unique } from './api-client.ts';
import { TEST_ADMIN_KEY } from './app.ts';
import { type Answer, query, send } from './inbound-fixtures.ts';

export interface RewardsWorld {
  admin: Call;
  advertiserId: number;
  offerId: number;
  publisherId: number;
  token: string;
  /** A click through the link with sub1 = `user`; returns its click id. */
  click(user: string): Promise<string>;
  postback(params: Record<string, string>): Promise<Answer>;
  ledger(user: string): Promise<{ balance: number; entries: LedgerEntry[] }>;
  /** Talks to another server on the same store from now on (a restarted one). */
  moveTo(url: string): void;
}

export type LedgerEntry = RewardEntryView;

export async function createRewardsWorld(
  url: string,
  rewards: Record<string, unknown> = {},
  offer: { payout?: number; revenue?: number } = {},
): Promise<RewardsWorld> {
  let base = url;
  let admin = apiClient(base, TEST_ADMIN_KEY);
  const created = async (path: string, body: unknown) => {
    const reply = await admin('POST', path, body);
    if (reply.status !== 201) throw new Error(`${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const advertiser = await created('/advertisers', { name: unique('network') });
  const o = await created('/offers', {
    advertiserId: advertiser.id,
    name: unique('wall offer'),
    url: 'https://offer.test/land?click_id={click_id}',
    payout: offer.payout ?? 3.5,
    revenue: offer.revenue ?? 5,
  });
  const publisher = await created('/publishers', { name: unique('rewards site') });
  const link = await created('/links', { offerId: o.id, publisherId: publisher.id });
  const patched = await admin('PATCH', `/publishers/${publisher.id}`, {
    rewards: { enabled: true, currency: 'coins', pointsPerUnit: 100, ...rewards },
  });
  if (patched.status !== 200) throw new Error(`rewards: ${patched.status} ${JSON.stringify(patched.body)}`);
  return {
    get admin() {
      return admin;
    },
    advertiserId: advertiser.id,
    offerId: o.id,
    publisherId: publisher.id,
    token: advertiser.postbackToken,
    async click(user) {
      const res = await fetch(`${base}/c/${link.slug}?sub1=${encodeURIComponent(user)}`, {
        redirect: 'manual',
      });
      const id = new URL(res.headers.get('location') ?? 'x:').searchParams.get('click_id');
      if (res.status !== 302 || !id) throw new Error(`click: ${res.status}`);
      return id;
    },
    postback: (params) => send(`${base}/postback?${query({ token: advertiser.postbackToken, ...params })}`),
    async ledger(user) {
      const reply = await admin(
        'GET',
        `/publishers/${publisher.id}/rewards/users/${encodeURIComponent(user)}?limit=500`,
      );
      if (reply.status !== 200) throw new Error(`ledger: ${reply.status} ${JSON.stringify(reply.body)}`);
      return reply.body;
    },
    moveTo(next) {
      base = next;
      admin = apiClient(base, TEST_ADMIN_KEY);
    },
  };
}
