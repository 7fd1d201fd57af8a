import { describe, expect, it } from 'vitest';
import { formatDatetimeUtc } from './click-macro-values.ts';
import { MACROS, resolveMacroName, sampleMacroValues } from './macro-catalogue.ts';
import { renderTemplate } from './template.ts';

describe('macro catalogue', () => {
  it('holds every canonical name from the reference table', () => {
    const names = MACROS.map((m) => m.name);
    const expected = [
      'click_id',
      'external_id',
      'conversion_id',
      'txn_id',
      'postback_id',
      'offer_id',
      'offer_name',
      'advertiser_id',
      'publisher_id',
      'link_id',
      'goal',
      'goal_id',
      'status',
      'status_raw',
      'payout',
      'revenue',
      'sale_amount',
      'currency',
      'ip',
      'user_agent',
      'country',
      'os',
      'device',
      'browser',
      'referrer',
      'timestamp',
      'datetime',
      'click_timestamp',
      'click_datetime',
      'security_token',
      'fbclid',
      'ttclid',
      'gclid',
      'gbraid',
      'wbraid',
      'msclkid',
      'fbp',
      'random',
      'signature',
      'smartlink_id',
      ...Array.from({ length: 10 }, (_, i) => `sub${i + 1}`),
      ...Array.from({ length: 10 }, (_, i) => `adv${i + 1}`),
      'user_id',
      'points',
      'balance',
      'ledger_entry_id',
      'reward_kind',
    ];
    expect([...names].sort()).toEqual([...expected].sort());
  });

  it('gives sub1…sub10 their subid_N, sub_id_N and pN aliases', () => {
    for (let n = 1; n <= 10; n++) {
      for (const alias of [`subid_${n}`, `sub_id_${n}`, `p${n}`])
        expect(resolveMacroName(alias)).toBe(`sub${n}`);
    }
  });

  it.each([
    ['externalId', 'external_id'],
    ['externalid', 'external_id'],
    ['EXTERNAL_ID', 'external_id'],
    ['aff_click_id', 'external_id'],
    ['unique_click_id', 'click_id'],
    ['clickid', 'click_id'],
    ['event_id', 'postback_id'],
    ['tsource_id', 'publisher_id'],
    ['flow_id', 'link_id'],
    ['smart_link_id', 'smartlink_id'],
    ['goal_status', 'goal'],
    ['payout_amount', 'payout'],
    ['amount', 'payout'],
    ['geo', 'country'],
    ['geo_country_code', 'country'],
    ['user_ip', 'ip'],
    ['offer_currency', 'currency'],
    ['tid', 'txn_id'],
    ['referer', 'referrer'],
    ['device_type', 'device'],
    ['token', 'security_token'],
    ['rand', 'random'],
    ['payout', 'payout'],
  ])('resolves %s to %s', (alias, canonical) => {
    expect(resolveMacroName(alias)).toBe(canonical);
  });

  it('does not resolve names that are not ours', () => {
    for (const name of ['s2', 'payot', 'price', 'aff_sub', ''])
      expect(resolveMacroName(name)).toBeUndefined();
  });

  it('has a realistic example for every macro and keeps the time examples consistent', () => {
    const samples = sampleMacroValues();
    expect(Object.keys(samples).sort()).toEqual(MACROS.map((m) => m.name).sort());
    for (const macro of MACROS) expect(samples[macro.name], macro.name).not.toBe('');
    expect(samples.payout).toBe('0.50');
    expect(samples.country).toBe('US');
    expect(samples.datetime).toBe(formatDatetimeUtc(Number(samples.timestamp) * 1000));
    expect(samples.click_datetime).toBe(formatDatetimeUtc(Number(samples.click_timestamp) * 1000));
    expect(samples.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('renders every alias in every syntax to its canonical value', () => {
    const values = Object.fromEntries(MACROS.map((m) => [m.name, `value-of-${m.name}`]));
    for (const macro of MACROS) {
      for (const alias of macro.aliases) {
        for (const written of [`{${alias}}`, `{{${alias}}}`, `#${alias}#`, `[[${alias}]]`]) {
          expect(renderTemplate(`x=${written}`, values), written).toBe(`x=value-of-${macro.name}`);
        }
      }
    }
  });
});
