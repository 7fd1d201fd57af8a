// /api/v1/clicks (read-only). Admin sees all; a publisher key sees only its own clicks.
// Advertiser keys get 403: clicks carry publishers' traffic details (IPs, sub ids).
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { publisherScope } from '../../auth/principal.ts';
import { ID_PAGE_SCAN_LIMIT } from '../../db/id-order-page.ts';
import { findClickRowById } from '../../reports/activity.repository.ts';
import type { AppContext } from '../../server/app-context.ts';
import { Id, Millis, Nullable, TextIdParams, TimeRange } from '../../shared/api-schemas.ts';
import { idPageCursor, parseIdPageCursor } from '../../shared/cursor.ts';
import { notFound } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PAGE_FIELDS, PageOf } from '../../shared/pagination.ts';
import type { ClickRow } from '../../tracking/clicks/click.table.ts';
import {
  listClicks,
  PLATFORM_CLICK_IDS,
  type PlatformClickId,
  type SubColumn,
} from '../../tracking/clicks/click-list.repository.ts';

const SUB_COLUMNS = Array.from({ length: 10 }, (_, i) => `sub${i + 1}` as SubColumn);
const HAS: Record<PlatformClickId, 'hasFbclid' | 'hasGclid' | 'hasTtclid'> = {
  fbclid: 'hasFbclid',
  gclid: 'hasGclid',
  ttclid: 'hasTtclid',
};

const S = Nullable(Type.String());
const Click = Type.Object({
  id: Type.String(),
  linkId: Type.Integer(),
  offerId: Type.Integer(),
  publisherId: Type.Integer(),
  advertiserId: Type.Integer(),
  sub1: S,
  sub2: S,
  sub3: S,
  sub4: S,
  sub5: S,
  sub6: S,
  sub7: S,
  sub8: S,
  sub9: S,
  sub10: S,
  externalId: S,
  fbclid: S,
  ttclid: S,
  gclid: S,
  gbraid: S,
  wbraid: S,
  msclkid: S,
  fbp: S,
  ip: S,
  userAgent: S,
  device: S,
  os: S,
  browser: S,
  country: S,
  referrer: S,
  isBot: Type.Boolean(),
  createdAt: Millis,
  smartlinkId: Nullable(Type.Integer({ description: 'the SmartLink that chose offerId' })),
  smartlinkRule: Nullable(Type.Integer({ description: 'the rule that chose it; 0 = the fallback URL' })),
});
const Text = Type.Optional(Type.String({ minLength: 1, maxLength: 255 }));
const HasClickId = (name: string) =>
  Type.Optional(
    Type.Boolean({ description: `true: only clicks with a ${name}; false: only clicks without` }),
  );
const ClickListQuery = Type.Object({
  ...PAGE_FIELDS,
  publisherId: Type.Optional(Id()),
  offerId: Type.Optional(Id()),
  linkId: Type.Optional(Id()),
  ...(Object.fromEntries(SUB_COLUMNS.map((c) => [c, Text])) as Record<SubColumn, typeof Text>),
  country: Type.Optional(Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166 alpha-2' })),
  device: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  isBot: Type.Optional(Type.Boolean()),
  hasFbclid: HasClickId('fbclid'),
  hasGclid: HasClickId('gclid'),
  hasTtclid: HasClickId('ttclid'),
  smartlinkId: Type.Optional(Id()),
  ...TimeRange,
});
type ClickListQuery = Static<typeof ClickListQuery>;

export function toClickView(r: ClickRow) {
  return {
    id: r.id,
    linkId: r.link_id,
    offerId: r.offer_id,
    publisherId: r.publisher_id,
    advertiserId: r.advertiser_id,
    sub1: r.sub1,
    sub2: r.sub2,
    sub3: r.sub3,
    sub4: r.sub4,
    sub5: r.sub5,
    sub6: r.sub6,
    sub7: r.sub7,
    sub8: r.sub8,
    sub9: r.sub9,
    sub10: r.sub10,
    externalId: r.external_id,
    fbclid: r.fbclid,
    ttclid: r.ttclid,
    gclid: r.gclid,
    gbraid: r.gbraid,
    wbraid: r.wbraid,
    msclkid: r.msclkid,
    fbp: r.fbp,
    ip: r.ip,
    userAgent: r.user_agent,
    device: r.device,
    os: r.os,
    browser: r.browser,
    country: r.country,
    referrer: r.referrer,
    isBot: r.is_bot === 1,
    createdAt: r.created_at,
    smartlinkId: r.smartlink_id,
    smartlinkRule: r.smartlink_rule,
  };
}

export function registerClickApiRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['clicks'];
  api.get<{ Querystring: ClickListQuery }>(
    '/clicks',
    {
      schema: {
        tags,
        description: `Newest first. With any filter (or a publisher key), a page reads at most ${ID_PAGE_SCAN_LIMIT} clicks, so it may hold fewer than \`limit\` while nextCursor goes on: follow nextCursor until it is null.`,
        querystring: ClickListQuery,
        response: { 200: PageOf(Click) },
      },
    },
    async (request) => {
      const scope = publisherScope(request);
      const q = request.query;
      const { publisherId, offerId, linkId, smartlinkId, from, to } = q;
      if (scope !== undefined && publisherId !== undefined && publisherId !== scope)
        return { data: [], nextCursor: null };
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const page = await listClicks(ctx.store.db, {
        limit,
        beforeId: parseIdPageCursor(request.query.cursor),
        publisherId: scope ?? publisherId,
        offerId,
        linkId,
        subs: Object.fromEntries(SUB_COLUMNS.map((c) => [c, q[c]])),
        country: q.country?.toUpperCase(),
        device: q.device,
        isBot: q.isBot,
        with: PLATFORM_CLICK_IDS.filter((name) => q[HAS[name]] === true),
        without: PLATFORM_CLICK_IDS.filter((name) => q[HAS[name]] === false),
        smartlinkId,
        from,
        to,
      });
      return {
        data: page.rows.map(toClickView),
        nextCursor: idPageCursor(page.nextBeforeId),
      };
    },
  );

  api.get<{ Params: Static<typeof TextIdParams> }>(
    '/clicks/:id',
    { schema: { tags, params: TextIdParams, response: { 200: Click } } },
    async (request) => {
      const scope = publisherScope(request);
      const row = await findClickRowById(ctx.store.db, request.params.id);
      if (!row || (scope !== undefined && row.publisher_id !== scope)) throw notFound('click');
      return toClickView(row);
    },
  );
}
