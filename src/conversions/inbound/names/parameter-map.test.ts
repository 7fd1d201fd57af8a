// The rules a mapping follows over the alias table, and the presets' signatures against the
// formulas the networks publish (reference/offerwall.md).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSignatureValid } from '../network-auth.ts';
import { extractInboundFields } from './inbound-params.ts';
import { INBOUND_PRESETS, listInboundPresets } from './inbound-presets.ts';
import { compileFieldNames, effectiveParameterMap, MAPPABLE_FIELDS } from './parameter-map.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const params = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('parameter maps', () => {
  it('leaves the alias table alone when nothing is mapped', () => {
    expect(compileFieldNames({})).toBeUndefined();
  });

  it('reads a mapped field only by its name and drops that name from every other field', () => {
    const names = compileFieldNames(effectiveParameterMap('everflow', {}));
    const fields = extractInboundFields(
      params({ transaction_id: 'CLICK', click_id: 'other', txn_id: 'T', order_id: 'ORD', amount: '9' }),
      names,
    );
    expect(fields).toMatchObject({ clickId: 'CLICK', txnId: 'ORD', saleAmount: '9', amount: undefined });
  });

  it('reads nothing for a field mapped to null, and lets overrides win over the preset', () => {
    const names = compileFieldNames(effectiveParameterMap('tapjoy', { txnId: 'request_id' }));
    const fields = extractInboundFields(
      params({ snuid: 'C', currency: '100', id: 'X', request_id: 'R' }),
      names,
    );
    expect(fields).toMatchObject({ clickId: 'C', currency: undefined, txnId: 'R' });
  });

  it('gives every preset a source and only mappable fields, none named twice', () => {
    for (const preset of listInboundPresets()) {
      expect(preset.source).toMatch(/^https:\/\//);
      const names = Object.entries(preset.parameterMap).filter(([, name]) => name !== null);
      for (const [field] of names) expect(MAPPABLE_FIELDS).toContain(field);
      expect(new Set(names.map(([, name]) => name)).size).toBe(names.length);
    }
  });
});

describe('preset signatures', () => {
  const check = (preset: string, values: Record<string, string>, signature: string) => {
    const spec = INBOUND_PRESETS.get(preset)?.signature;
    if (!spec) throw new Error(`${preset} has no signature`);
    return isSignatureValid(spec, 'S3CRET', params(values), signature);
  };

  it('verifies Tapjoy: md5("{id}:{snuid}:{currency}:{secret}")', () => {
    const values = { id: 'req-1', snuid: 'C1', currency: '100' };
    expect(check('tapjoy', values, md5('req-1:C1:100:S3CRET'))).toBe(true);
    expect(check('tapjoy', values, md5('req-1:C1:101:S3CRET'))).toBe(false);
  });

  it('verifies OfferToro: md5(oid + "-" + user_id + "-" + secret)', () => {
    expect(check('offertoro', { oid: '55', user_id: 'C1' }, md5('55-C1-S3CRET'))).toBe(true);
  });

  it('verifies the lite family: md5(subId + transId + reward + secret), in either case of hex', () => {
    const values = { subid: 'C1', transid: 'T1', reward: '350' };
    expect(check('revtoo', values, md5('C1T1350S3CRET').toUpperCase())).toBe(true);
    expect(check('revtoo', values, 'not-hex')).toBe(false);
    expect(check('revtoo', values, '')).toBe(false);
  });
});
