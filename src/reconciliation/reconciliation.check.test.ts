// The check against a generated 100 000-row export in each preset's format, with planted
// differences: it must report exactly those. Generated in memory and streamed through the reader.
import { describe, expect, it } from 'vitest';
import { exportStream, type Format, ROWS, world, ZONE } from '../../test/support/network-exports.ts';
import { mapStatus, parseStatusMap } from '../conversions/inbound/status-crosswalk.ts';
import { compareExport } from './compare.ts';
import { readExport } from './export-reader.ts';
import { PRESETS } from './presets.ts';
import { zone } from './time-zone.ts';

describe('discrepancy check on a 100 000-row export', () => {
  for (const format of Object.keys(PRESETS) as Format[]) {
    it(`finds exactly the planted differences in a ${format} export`, async () => {
      const { ours, theirs, planted } = world(format);
      const exportZone = zone(ZONE[format]);
      const read = await readExport(exportStream(format, theirs), PRESETS[format], exportZone);
      expect(read.rows).toHaveLength(theirs.length);
      const result = compareExport({
        theirs: read.rows,
        ours,
        fromDay: '2026-02-28',
        toDay: '2026-03-10',
        zone: exportZone,
        currency: 'USD',
        tolerance: 0.01,
        mapStatus: (raw) => mapStatus(raw, parseStatusMap('{}')),
        offerOfClick: () => undefined,
      });
      const clicksOf = (kind: string) =>
        result.findings
          .filter((f) => f.kind === kind)
          .map((f) => f.click_id)
          .sort();
      expect(clicksOf('missing_ours')).toEqual([...planted.missing_ours].sort());
      expect(clicksOf('missing_theirs')).toEqual([...planted.missing_theirs].sort());
      expect(clicksOf('status_mismatch')).toEqual([...planted.status_mismatch].sort());
      expect(clicksOf('payout_mismatch')).toEqual([...planted.payout_mismatch].sort());
      expect(clicksOf('day_shifted')).toEqual([...planted.day_shifted].sort());
      expect(result.findings).toHaveLength(7 + 5 + 3 + 4 + planted.day_shifted.length);
      expect(result.counts.matched).toBe(ROWS - 5);
      // The rows without a click id matched on the transaction id.
      const matchedTxnOnly = planted.byTxnOnly.filter((c) => !result.findings.some((f) => f.click_id === c));
      expect(matchedTxnOnly).toEqual(planted.byTxnOnly);
      // Per day × offer: every count and sum balances but where a planted row sits.
      const total = (key: 'ourCount' | 'theirCount') => result.days.reduce((n, d) => n + d[key], 0);
      expect(total('ourCount')).toBe(ROWS);
      expect(total('theirCount')).toBe(ROWS - 5 + 7);
      const unbalanced = result.days.filter((d) => d.ourCount !== d.theirCount);
      expect(unbalanced.length).toBeGreaterThan(0);
      expect(unbalanced.length).toBeLessThanOrEqual(5 + 1);
      const day = result.days.find((d) => d.day === '2026-03-01' && d.offerId === ours[10].offerId);
      expect(day?.countDiffPercent).toBeCloseTo(((day!.theirCount - day!.ourCount) / day!.ourCount) * 100, 1);
    });
  }
});
