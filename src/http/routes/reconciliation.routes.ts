// /api/v1/reconciliations: discrepancy checks of a network's CSV export against our conversions.
// Admin only. The export is the request body (text/csv), read as a stream; the check's settings
// are query parameters, so one request carries a file of any size.
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireRole } from '../../auth/principal.ts';
import { actorOf } from '../../conversions/lifecycle/conversion-status.service.ts';
import { previewExport } from '../../reconciliation/export-reader.ts';
import { type ColumnMapping, detectFormat, PRESETS } from '../../reconciliation/presets.ts';
import {
  ActionBody,
  ActionResult,
  CheckQuery,
  CreatePresetBody,
  Finding,
  FindingQuery,
  Preset,
  PresetList,
  PresetQuery,
  PreviewResult,
  Reconciliation,
} from '../../reconciliation/reconciliation.schemas.ts';
import {
  acceptTheirStatuses,
  createMissingConversions,
  deleteCheckPreset,
  effectiveMapping,
  getCheck,
  listCheckFindings,
  listCheckPresets,
  listChecks,
  runCheck,
  saveCheckPreset,
} from '../../reconciliation/reconciliation.service.ts';
import {
  toFindingView,
  toPresetView,
  toReconciliationView,
} from '../../reconciliation/reconciliation.view.ts';
import type { AppContext } from '../../server/app-context.ts';
import { IdParams, TextIdParams } from '../../shared/api-schemas.ts';
import { parseIdCursor } from '../../shared/cursor.ts';
import { AppError } from '../../shared/errors.ts';
import { DEFAULT_PAGE_SIZE, PageOf, PageQuery, toPage } from '../../shared/pagination.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The raw body of a text/csv request, left unread for the route to stream. */
    csvUpload?: Readable;
  }
}

function csvBody(request: FastifyRequest): Readable {
  if (!request.csvUpload)
    throw new AppError('unsupported_media_type', 'send the export as Content-Type: text/csv');
  return request.csvUpload;
}

function mappingOf(q: CheckQuery): ColumnMapping {
  const m: ColumnMapping = {};
  if (q.clickIdColumn) m.clickId = q.clickIdColumn;
  if (q.txnIdColumn) m.txnId = q.txnIdColumn;
  if (q.timeColumn) m.time = q.timeColumn;
  if (q.statusColumn) m.status = q.statusColumn;
  if (q.amountColumn) m.amount = q.amountColumn;
  return m;
}

export function registerReconciliationRoutes(api: FastifyInstance, ctx: AppContext): void {
  const tags = ['reconciliations'];
  api.addContentTypeParser('text/csv', (request, payload, done) => {
    request.csvUpload = payload;
    done(null, null);
  });

  api.post<{ Querystring: CheckQuery }>(
    '/reconciliations',
    {
      schema: {
        tags,
        summary: 'check an export (text/csv body) against our conversions',
        querystring: CheckQuery,
        response: { 201: Reconciliation },
      },
    },
    async (request, reply) => {
      const principal = requireRole(request, 'admin');
      const q = request.query;
      const row = await runCheck(
        ctx,
        {
          advertiserId: q.advertiserId,
          format: q.format,
          mapping: mappingOf(q),
          timeZone: q.timeZone,
          currency: q.currency,
          fromDay: q.from,
          toDay: q.to,
          tolerance: q.tolerance,
          presetName: q.presetName,
        },
        csvBody(request),
        actorOf(principal),
      );
      return reply.status(201).send(toReconciliationView(row));
    },
  );

  api.post(
    '/reconciliations/preview',
    {
      schema: {
        tags,
        summary: 'header, sample rows and detected preset of an export (text/csv body)',
        response: { 200: PreviewResult },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      const { header, sample } = await previewExport(csvBody(request));
      const detectedFormat = detectFormat(header);
      return { header, sample, detectedFormat, mapping: effectiveMapping(detectedFormat, undefined) };
    },
  );

  api.get<{ Querystring: PageQuery }>(
    '/reconciliations',
    { schema: { tags, querystring: PageQuery, response: { 200: PageOf(Reconciliation) } } },
    async (request) => {
      requireRole(request, 'admin');
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listChecks(ctx, { beforeId: request.query.cursor, limit });
      return toPage(rows, limit, (r) => r.id, toReconciliationView);
    },
  );

  api.get<{ Querystring: PresetQuery }>(
    '/reconciliations/presets',
    { schema: { tags, querystring: PresetQuery, response: { 200: PresetList } } },
    async (request) => {
      requireRole(request, 'admin');
      const saved = await listCheckPresets(ctx, request.query.advertiserId);
      return { builtIn: PRESETS, saved: saved.map(toPresetView) };
    },
  );

  api.post<{ Body: CreatePresetBody }>(
    '/reconciliations/presets',
    { schema: { tags, body: CreatePresetBody, response: { 201: Preset } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      return reply.status(201).send(toPresetView(await saveCheckPreset(ctx, request.body)));
    },
  );

  api.delete<{ Params: IdParams }>(
    '/reconciliations/presets/:id',
    { schema: { tags, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      requireRole(request, 'admin');
      await deleteCheckPreset(ctx, request.params.id);
      return reply.status(204).send();
    },
  );

  api.get<{ Params: TextIdParams }>(
    '/reconciliations/:id',
    { schema: { tags, params: TextIdParams, response: { 200: Reconciliation } } },
    async (request) => {
      requireRole(request, 'admin');
      return toReconciliationView(await getCheck(ctx, request.params.id));
    },
  );

  api.get<{ Params: TextIdParams; Querystring: FindingQuery }>(
    '/reconciliations/:id/findings',
    { schema: { tags, params: TextIdParams, querystring: FindingQuery, response: { 200: PageOf(Finding) } } },
    async (request) => {
      requireRole(request, 'admin');
      const limit = request.query.limit ?? DEFAULT_PAGE_SIZE;
      const rows = await listCheckFindings(ctx, request.params.id, {
        afterId: parseIdCursor(request.query.cursor),
        limit,
        kind: request.query.kind,
      });
      return toPage(rows, limit, (r) => r.id, toFindingView);
    },
  );

  api.post<{ Params: TextIdParams; Body: ActionBody }>(
    '/reconciliations/:id/create-missing',
    {
      schema: {
        tags,
        summary: 'record the conversions only the network has',
        params: TextIdParams,
        body: ActionBody,
        response: { 200: ActionResult },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return { outcomes: await createMissingConversions(ctx, request.params.id, request.body?.findingIds) };
    },
  );

  api.post<{ Params: TextIdParams; Body: ActionBody }>(
    '/reconciliations/:id/accept-status',
    {
      schema: {
        tags,
        summary: "move our conversions to the network's status",
        params: TextIdParams,
        body: ActionBody,
        response: { 200: ActionResult },
      },
    },
    async (request) => {
      const principal = requireRole(request, 'admin');
      return {
        outcomes: await acceptTheirStatuses(
          ctx,
          request.params.id,
          request.body?.findingIds,
          actorOf(principal),
        ),
      };
    },
  );
}
