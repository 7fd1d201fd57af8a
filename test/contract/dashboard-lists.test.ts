// The dashboard keeps its own copies of the API's closed lists (it is built apart from the server):
// each copy must hold what the API accepts, in the API's order, or a form offers a value the API
// refuses or hides one it takes.
import { expect, it } from 'vitest';
import { STATUSES } from '../../src/conversions/conversion.table.ts';
import { MAPPABLE_FIELDS } from '../../src/conversions/inbound/names/parameter-map.ts';
import { LEDGER_EVENTS } from '../../src/postbacks/postback-matching.ts';
import { MATCH_KEYS } from '../../src/smartlinks/smartlink-rules.ts';
import * as dashboard from '../../web/src/lib/types.ts';

it.each([
  ['conversion statuses', dashboard.STATUSES, STATUSES],
  ['ledger events', dashboard.LEDGER_EVENTS, LEDGER_EVENTS],
  ['inbound parameter names', dashboard.MAPPABLE_FIELDS, MAPPABLE_FIELDS],
  ['smartlink rule keys', dashboard.SMARTLINK_MATCH_KEYS, MATCH_KEYS],
])('the dashboard lists the API’s %s', (_, copy, api) => {
  expect([...copy]).toEqual([...api]);
});
