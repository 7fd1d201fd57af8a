// GET /api/v1/reports: clicks, conversions and money over a date range in a time zone, grouped by up
// to three dimensions (README "Reports"). A publisher sees its own traffic, its payout as its
// revenue; an advertiser its own offers without payout; neither the network's profit or margin.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import { buildReport, type ReportViewer } from '../../reports/report.service.ts';
import { parseReportQuery, type RawReportParams } from '../../reports/report-query.ts';
import type { AppContext } from '../../server/app-context.ts';

const Text = (description: string) => Type.Optional(Type.String({ maxLength: 2_000, description }));

const ReportQuerySchema = Type.Object(
  {
    from: Text('first day, inclusive, YYYY-MM-DD in tz'),
    to: Text('last day, inclusive, YYYY-MM-DD in tz'),
    tz: Text("IANA time zone; default the operator's TRACKWIRE_TIME_ZONE"),
    groupBy: Text(
      'comma list of up to 3: hour day week month advertiser offer goal publisher link country device os browser currency sub1…sub10',
    ),
    compare: Text('"previous": also the period of the same length just before'),
    sort: Text('a metric or grouped dimension key, "-" first for descending'),
    limit: Text('rows at most (1–10000, default 1000)'),
    attribution: Text('conversion (default): count a conversion at its time; click: at its click time'),
  },
  {
    patternProperties: { '^(filter|exclude)\\.[a-z0-9]+$': Type.String({ maxLength: 2_000 }) },
    description: 'filter.<dimension>=a,b keeps rows with those values; exclude.<dimension>=a,b drops them',
  },
);

const Row = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]));
const Period = {
  from: Type.String(),
  to: Type.String(),
  rows: Type.Array(Row),
  summary: Row,
  summaryByCurrency: Type.Array(Row),
  totalRows: Type.Integer(),
  truncated: Type.Boolean(),
};
const ReportSchema = Type.Object({
  ...Period,
  tz: Type.String(),
  groupBy: Type.Array(Type.String()),
  attribution: Type.String(),
  previous: Type.Optional(Type.Object(Period)),
});

export function registerReportRoutes(api: FastifyInstance, ctx: AppContext): void {
  api.get(
    '/reports',
    { schema: { tags: ['reports'], querystring: ReportQuerySchema, response: { 200: ReportSchema } } },
    async (request) => {
      const p = requireRole(request, 'admin', 'advertiser', 'publisher');
      const query = parseReportQuery(request.query as RawReportParams, ctx.config.reportTimeZone);
      const viewer: ReportViewer = {
        role: p.role,
        ...(p.role === 'publisher' && { publisherId: p.publisherId ?? -1 }),
        ...(p.role === 'advertiser' && { advertiserId: p.advertiserId ?? -1 }),
      };
      return buildReport(ctx.store.db, query, viewer);
    },
  );
}
