// Cursors of list endpoints: opaque to clients, parsed strictly so a forged one is a 400, not a 500.
import { AppError } from '../http/errors.ts';
import { idTime } from '../shared/ids.ts';

/** For tables with serial ids: the cursor is the last row's id. */
export function parseIdCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,15}$/.test(cursor)) throw new AppError('validation_failed', 'cursor: not a valid cursor');
  return Number(cursor);
}

export interface TimeCursor {
  createdAt: number;
  id: string;
}

/**
 * For newest-first lists of rows with text ids (clicks, conversions, deliveries): "<created_at>.<id>".
 * The lists page by the id alone (db/id-order-page.ts); the time part keeps the cursor readable and
 * the form that clients already hold valid.
 */
export function parseTimeCursor(cursor: string | undefined): TimeCursor | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  if (!match) throw new AppError('validation_failed', 'cursor: not a valid cursor');
  return { createdAt: Number(match[1]), id: match[2] };
}

export const timeCursorOf = (row: { created_at: number; id: string }) => `${row.created_at}.${row.id}`;

/**
 * The cursor of a page in id order (db/id-order-page.ts), in the same "<created_at>.<id>" form: its
 * time is read from the id, which begins with it after the table's `idPrefix`.
 */
export const idPageCursor = (id: string, idPrefix = '') =>
  timeCursorOf({ created_at: idTime(id.slice(idPrefix.length)), id });
