// Advertiser rules: validated allow-lists and status maps, unguessable postback tokens.
import { randomBytes } from 'node:crypto';
import { revokeKeysBoundTo } from '../../auth/api-key.service.ts';
import { API_KEYS_CHANGED } from '../../auth/authenticate.ts';
import type { Config } from '../../config/config.ts';
import type { Status } from '../../conversions/conversion.table.ts';
import type { ParameterMap } from '../../conversions/inbound/names/parameter-map.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import type { AppContext } from '../../server/app-context.ts';
import { CidrError, parseCidrList } from '../../shared/cidr.ts';
import { AppError, notFound } from '../../shared/errors.ts';
import {
  advertiserHasOffers,
  deleteAdvertiserRow,
  findAdvertiserById,
  insertAdvertiser,
  updateAdvertiserRow,
} from './advertiser.repository.ts';
import type { AdvertiserRow } from './advertiser.table.ts';
import {
  advertiserParameterMaps,
  networkPostbackUrlOf,
  networkTaken,
  normalizeParameterMap,
} from './advertiser-network.ts';

/** What the advertiser is asked to fill in; the inbound handler knows every alias too. */
export const POSTBACK_QUERY_HINT = '?click_id={click_id}&payout={payout}&txn_id={txn_id}&status={status}';

export interface AdvertiserInput {
  name: string;
  ipAllowlist?: string[];
  statusMap?: Record<string, Status>;
  network?: string | null;
  preset?: string | null;
  parameterMap?: ParameterMap;
  signatureSecret?: string | null;
}

export function newPostbackToken(): string {
  return randomBytes(18).toString('base64url');
}

export function postbackUrlOf(config: Config, token: string): string {
  return `${config.publicUrl}/postback/${token}`;
}

export function toAdvertiserView(row: AdvertiserRow, config: Config) {
  const postbackUrl = postbackUrlOf(config, row.postback_token);
  return {
    id: row.id,
    name: row.name,
    postbackToken: row.postback_token,
    postbackUrl,
    postbackUrlTemplate: postbackUrl + POSTBACK_QUERY_HINT,
    network: row.network,
    networkPostbackUrl: networkPostbackUrlOf(config, row),
    preset: row.parameter_preset,
    parameterMap: advertiserParameterMaps(row).own,
    effectiveParameterMap: advertiserParameterMaps(row).effective,
    signatureSecretSet: row.signature_secret !== null,
    ipAllowlist: JSON.parse(row.ip_allowlist) as string[],
    statusMap: JSON.parse(row.status_map) as Record<string, Status>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function normalizeAllowlist(entries: string[]): string[] {
  const trimmed = entries.map((e) => e.trim()).filter(Boolean);
  try {
    parseCidrList(trimmed);
  } catch (error) {
    if (error instanceof CidrError) {
      throw new AppError('validation_failed', `ipAllowlist: ${error.message}`, { field: 'ipAllowlist' });
    }
    throw error;
  }
  return trimmed;
}

export async function createAdvertiser(ctx: AppContext, input: AdvertiserInput): Promise<AdvertiserRow> {
  const now = ctx.clock.now();
  const preset = input.preset ?? null;
  const row = await writeNetworkFields(input.network, () =>
    insertAdvertiser(ctx.store.db, {
      name: input.name.trim(),
      postback_token: newPostbackToken(),
      ip_allowlist: JSON.stringify(normalizeAllowlist(input.ipAllowlist ?? [])),
      status_map: JSON.stringify(input.statusMap ?? {}),
      network: input.network ?? null,
      parameter_preset: preset,
      parameter_map: JSON.stringify(normalizeParameterMap(input.parameterMap ?? {}, preset)),
      signature_secret: input.signatureSecret ?? null,
      created_at: now,
      updated_at: now,
    }),
  );
  ctx.events.emit('catalog.changed');
  return row;
}

export async function updateAdvertiser(
  ctx: AppContext,
  id: number,
  patch: Partial<AdvertiserInput>,
): Promise<AdvertiserRow> {
  let parameterMap: string | undefined;
  if (patch.parameterMap !== undefined || patch.preset !== undefined) {
    const current = await findAdvertiserById(ctx.store.db, id);
    if (!current) throw notFound('advertiser');
    const preset = patch.preset !== undefined ? patch.preset : current.parameter_preset;
    const own = patch.parameterMap ?? advertiserParameterMaps(current).own;
    parameterMap = JSON.stringify(normalizeParameterMap(own, preset));
  }
  const row = await writeNetworkFields(patch.network, () =>
    updateAdvertiserRow(ctx.store.db, id, {
      ...(patch.name !== undefined && { name: patch.name.trim() }),
      ...(patch.ipAllowlist !== undefined && {
        ip_allowlist: JSON.stringify(normalizeAllowlist(patch.ipAllowlist)),
      }),
      ...(patch.statusMap !== undefined && { status_map: JSON.stringify(patch.statusMap) }),
      ...(patch.network !== undefined && { network: patch.network }),
      ...(patch.preset !== undefined && { parameter_preset: patch.preset }),
      ...(parameterMap !== undefined && { parameter_map: parameterMap }),
      ...(patch.signatureSecret !== undefined && { signature_secret: patch.signatureSecret }),
      updated_at: ctx.clock.now(),
    }),
  );
  if (!row) throw notFound('advertiser');
  ctx.events.emit('catalog.changed');
  return row;
}

/** A slug another advertiser holds is a conflict, whichever insert or update got there first. */
async function writeNetworkFields<T>(
  network: string | null | undefined,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (network && isUniqueViolation(error)) throw networkTaken(network);
    throw error;
  }
}

/** The old token stops working at once: rotation is for a leaked token. */
export async function rotateAdvertiserToken(ctx: AppContext, id: number): Promise<AdvertiserRow> {
  const row = await updateAdvertiserRow(ctx.store.db, id, {
    postback_token: newPostbackToken(),
    updated_at: ctx.clock.now(),
  });
  if (!row) throw notFound('advertiser');
  ctx.events.emit('catalog.changed');
  return row;
}

export async function deleteAdvertiser(ctx: AppContext, id: number): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    if (!(await findAdvertiserById(trx, id))) throw notFound('advertiser');
    if (await advertiserHasOffers(trx, id)) {
      throw new AppError('conflict', 'the advertiser still has offers; delete them first');
    }
    await revokeKeysBoundTo(trx, { advertiserId: id }, ctx.clock.now());
    await deleteAdvertiserRow(trx, id);
  });
  ctx.events.emit('catalog.changed');
  ctx.events.emit(API_KEYS_CHANGED);
}
