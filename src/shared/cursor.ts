// Cursors of list endpoints: opaque to clients, parsed strictly so a forged one is a 400, not a 500.
import { AppError } from './errors.ts';
import { idTime } from './ids.ts';

/** For tables with serial ids: the cursor is the last row's id. */
export function parseIdCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,15}$/.test(cursor)) throw new AppError('validation_failed', 'cursor: not a valid cursor');
  return Number(cursor);
}

// Newest-first lists of rows with text ids (clicks, conversions, deliveries) page in id order
// (db/id-order-page.ts). Their cursor is "<created_at>.<id>" of where the next page starts: only the
// id is read back; the time keeps the cursor readable and the form that clients already hold valid.

/** The id a page in id order starts below. */
export function parseIdPageCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const match = /^\d{1,15}\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  if (!match) throw new AppError('validation_failed', 'cursor: not a valid cursor');
  return match[1];
}

/**
 * The cursor for the page in id order that starts below `nextBeforeId` (whose time follows
 * `idPrefix`), or null when no page follows.
 */
export function idPageCursor(nextBeforeId: string | null, idPrefix = ''): string | null {
  if (nextBeforeId === null) return null;
  return `${idTime(nextBeforeId.slice(idPrefix.length))}.${nextBeforeId}`;
}
