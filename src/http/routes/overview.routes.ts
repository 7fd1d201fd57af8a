// GET /overview: today's and yesterday's clicks, conversions and money for the dashboard's first
// screen, within the caller's scope: a publisher sees payout only, an advertiser revenue only.
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import { sumWindow } from '../../dashboard/overview.repository.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Nullable } from '../../shared/api-schemas.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const OverviewQuery = Type.Object({
  todayStart: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 8_640_000_000_000_000,
      description: "start of today in the viewer's time zone (ms); default: UTC midnight",
    }),
  ),
});

const Money = Type.Object({
  currency: Type.String(),
  payout: Nullable(Type.Number()),
  revenue: Nullable(Type.Number()),
  profit: Nullable(Type.Number()),
});
const Day = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  clicks: Type.Integer(),
  conversions: Type.Integer(),
  money: Type.Array(Money),
});
const Overview = Type.Object({ today: Day, yesterday: Day });

export function registerOverviewRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get<{ Querystring: Static<typeof OverviewQuery> }>(
    '/overview',
    { schema: { tags: ['overview'], querystring: OverviewQuery, response: { 200: Overview } } },
    async (request) => {
      const p = requireRole(request, 'admin', 'advertiser', 'publisher');
      const now = ctx.clock.now();
      const todayStart = request.query.todayStart ?? now - (now % DAY_MS);
      const owner = {
        ...(p.role === 'publisher' && { publisherId: p.publisherId ?? -1 }),
        ...(p.role === 'advertiser' && { advertiserId: p.advertiserId ?? -1 }),
      };
      const day = async (from: number, to: number) => {
        const totals = await sumWindow(ctx.store.db, from, to, owner);
        return {
          from,
          to,
          clicks: totals.clicks,
          conversions: totals.conversions,
          money: totals.money.map((m) => ({
            currency: m.currency,
            payout: p.role === 'advertiser' ? null : m.payout,
            revenue: p.role === 'publisher' ? null : m.revenue,
            profit: p.role === 'admin' ? m.revenue - m.payout : null,
          })),
        };
      };
      const [today, yesterday] = await Promise.all([
        day(todayStart, todayStart + DAY_MS),
        day(todayStart - DAY_MS, todayStart),
      ]);
      return { today, yesterday };
    },
  );
}
