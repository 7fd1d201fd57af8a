import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { dayOfExportTime, parseExportAmount, previewExport, readExport } from './export-reader.ts';
import { detectFormat, PRESETS } from './presets.ts';
import { zone } from './time-zone.ts';

describe('export reader', () => {
  it('reads amounts as exports write them', () => {
    expect(parseExportAmount('12.5')).toBe(12.5);
    expect(parseExportAmount('12,50')).toBe(12.5);
    expect(parseExportAmount('$1,234.50')).toBe(1234.5);
    expect(parseExportAmount('1,234')).toBe(1234);
    expect(parseExportAmount('EUR 3.00')).toBe(3);
    expect(parseExportAmount('')).toBeNull();
    expect(parseExportAmount('abc')).toBeUndefined();
  });

  it('reads times as days in the export time zone', () => {
    const ny = zone('America/New_York');
    // 2026-03-02 03:00 UTC is the evening before in New York.
    expect(dayOfExportTime(String(Date.UTC(2026, 2, 2, 3) / 1000), ny)).toBe('2026-03-01');
    expect(dayOfExportTime(String(Date.UTC(2026, 2, 2, 3)), ny)).toBe('2026-03-01');
    expect(dayOfExportTime('2026-03-02 01:00:00', ny)).toBe('2026-03-02');
    expect(dayOfExportTime('2026-03-02T03:00:00Z', ny)).toBe('2026-03-01');
    expect(dayOfExportTime('2026-03-02T03:00:00+05:00', zone('UTC'))).toBe('2026-03-01');
    expect(dayOfExportTime('3/2/2026 10:00', ny)).toBe('2026-03-02');
    expect(dayOfExportTime('yesterday', ny)).toBeUndefined();
    expect(zone('Asia/Kolkata').startOf('2026-03-02')).toBe(Date.UTC(2026, 2, 1, 18, 30));
  });

  it('reads semicolon exports with a BOM and quoted cells', async () => {
    const csv = '\uFEFFsubid;tid;datetime;status;revenue\n"c;1";t1;2026-03-02 10:00:00;sale;"1,50"\n';
    const read = await readExport(Readable.from([csv]), PRESETS.keitaro, zone('UTC'));
    expect(read.rows).toEqual([
      { line: 2, clickId: 'c;1', txnId: 't1', day: '2026-03-02', status: 'sale', amount: 1.5 },
    ]);
  });

  it('names the line of the first bad record', async () => {
    const rows = ['subid,tid,datetime,status,revenue', 'a,1,2026-03-02,sale,1', ',,2026-03-02,sale,1'];
    await expect(
      readExport(Readable.from([rows.join('\n')]), PRESETS.keitaro, zone('UTC')),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      message: 'line 3: neither a click id nor a transaction id',
    });
    const badAmount = ['subid,tid,datetime,status,revenue', 'a,1,2026-03-02,sale,one'];
    await expect(
      readExport(Readable.from([badAmount.join('\n')]), PRESETS.keitaro, zone('UTC')),
    ).rejects.toMatchObject({
      message: 'line 2: unreadable amount "one"',
    });
    await expect(readExport(Readable.from(['']), PRESETS.keitaro, zone('UTC'))).rejects.toMatchObject({
      message: 'the export is empty',
    });
  });

  it('previews the header and detects each preset', async () => {
    for (const [format, mapping] of Object.entries(PRESETS)) {
      const header = Object.values(mapping);
      expect(detectFormat(['extra', ...header])).toBe(format);
      const preview = await previewExport(Readable.from([`${header.join(',')}\n1,2,3,4,5\n`]));
      expect(preview).toEqual({ header, sample: [['1', '2', '3', '4', '5']] });
    }
    expect(detectFormat(['a', 'b'])).toBe('custom');
  });
});
