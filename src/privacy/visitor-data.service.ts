// A visitor's data request (GDPR access and erasure): everything we hold about one visitor, found by
// click id or by IP address, exported as stored, or deleted in one transaction.

import type { Db } from '../db/database.types.ts';
import type { AppContext } from '../server/app-context.ts';
import { normalizeIp } from '../shared/cidr.ts';
import { AppError } from '../shared/errors.ts';
import {
  deleteVisitorRows,
  findClicksOfVisitor,
  findConversionsOfClicks,
  findEventsOfConversions,
  findLogRowsOfConversions,
} from './visitor-data.repository.ts';

export interface Visitor {
  clickId?: string;
  ip?: string;
  /** Bounds an IP search to clicks made in [from, to). */
  from?: number;
  to?: number;
}

function checked(who: Visitor): Visitor {
  if ((who.clickId === undefined) === (who.ip === undefined))
    throw new AppError('validation_failed', 'name the visitor by clickId or by ip (one of them)');
  return who.ip === undefined ? who : { ...who, ip: normalizeIp(who.ip.trim()) };
}

async function gather(db: Db, who: Visitor) {
  const clicks = await findClicksOfVisitor(db, who);
  const conversions = await findConversionsOfClicks(
    db,
    clicks.map((c) => c.id),
  );
  return { clicks, conversions };
}

export async function exportVisitorData(ctx: AppContext, who: Visitor) {
  const db = ctx.store.db;
  const { clicks, conversions } = await gather(db, checked(who));
  const ids = conversions.map((c) => c.id);
  return {
    exportedAt: ctx.clock.now(),
    clicks,
    conversions,
    conversionEvents: await findEventsOfConversions(db, ids),
    postbackLog: await findLogRowsOfConversions(db, ids),
  };
}

export async function deleteVisitorData(ctx: AppContext, who: Visitor) {
  const visitor = checked(who);
  return ctx.store.db.transaction().execute(async (trx) => {
    const { clicks, conversions } = await gather(trx, visitor);
    return deleteVisitorRows(
      trx,
      clicks.map((c) => c.id),
      conversions.map((c) => c.id),
    );
  });
}
