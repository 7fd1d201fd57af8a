// The conversion lifecycle as data: which status may follow which. Anything not listed is an
// illegal transition. Reversed is terminal: the money went back and the publisher was told.
import type { Status } from '../conversion.table.ts';

export const STATUS_TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  pending: ['approved', 'rejected', 'declined'],
  // Keitaro's sale → rejected and every network's chargeback.
  approved: ['reversed', 'rejected', 'declined'],
  // A scrubbed or declined conversion can be reinstated after review.
  rejected: ['approved'],
  declined: ['approved'],
  reversed: [],
};

export function canTransition(from: Status, to: Status): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}
