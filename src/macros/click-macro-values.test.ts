import { describe, expect, it } from 'vitest';
import { clickRow } from '../../test/support/rows.ts';
import { formatDatetimeUtc, formatUnixSeconds, macroValuesFromClick } from './click-macro-values.ts';
import { renderTemplate } from './template.ts';

const createdAt = Date.UTC(2024, 5, 10, 6, 3, 20, 789);

const click = clickRow({
  id: '01J9Z8K7Q2M4N6P8R0T2V4X6Z8',
  link_id: 11,
  offer_id: 42,
  publisher_id: 7,
  advertiser_id: 5,
  sub1: 'instagram',
  sub2: 'story',
  sub10: 'ten',
  external_id: 'YOUR_CLICK_ID_789',
  fbclid: 'fb1',
  ttclid: 'tt1',
  gclid: 'g1',
  msclkid: 'ms1',
  fbp: 'fb.1.1596403881668.1116446470',
  ip: '203.0.113.7',
  user_agent: 'Mozilla/5.0',
  device: 'mobile',
  os: 'iOS',
  browser: 'Mobile Safari',
  country: 'US',
  referrer: 'https://ref.example/a?b=c',
  created_at: createdAt,
});

describe('macro values from a click', () => {
  it('fills {fbp} with the browser id captured on the click, as captured', () => {
    expect(
      renderTemplate('https://t.example/?fbp={fbp}&fbc={fbclid}', macroValuesFromClick(click), 'url'),
    ).toBe('https://t.example/?fbp=fb.1.1596403881668.1116446470&fbc=fb1');
  });

  it('formats times as Unix seconds and as YYYY-MM-DD HH:MM:SS UTC', () => {
    expect(formatUnixSeconds(createdAt)).toBe('1717999400');
    expect(formatDatetimeUtc(createdAt)).toBe('2024-06-10 06:03:20');
    expect(formatDatetimeUtc(0)).toBe('1970-01-01 00:00:00');
  });

  it('reuses the text of the current second only within that second', () => {
    const second = 1_717_999_400_000;
    expect(formatDatetimeUtc(second + 999)).toBe('2024-06-10 06:03:20');
    expect(formatDatetimeUtc(second + 1_000)).toBe('2024-06-10 06:03:21');
    expect(formatDatetimeUtc(second - 1)).toBe('2024-06-10 06:03:19');
    expect(formatDatetimeUtc(second)).toBe('2024-06-10 06:03:20');
  });

  it('fills the click macros', () => {
    const values = macroValuesFromClick(click);
    expect(values).toMatchObject({
      click_id: click.id,
      external_id: 'YOUR_CLICK_ID_789',
      offer_id: '42',
      publisher_id: '7',
      advertiser_id: '5',
      link_id: '11',
      sub1: 'instagram',
      sub2: 'story',
      sub3: null,
      sub10: 'ten',
      ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0',
      country: 'US',
      os: 'iOS',
      device: 'mobile',
      browser: 'Mobile Safari',
      referrer: 'https://ref.example/a?b=c',
      fbclid: 'fb1',
      ttclid: 'tt1',
      gclid: 'g1',
      gbraid: null,
      msclkid: 'ms1',
      click_timestamp: '1717999400',
      click_datetime: '2024-06-10 06:03:20',
    });
  });

  it('renders an offer destination URL from a click, empty where the click has no value', () => {
    const url = renderTemplate(
      'https://adv.example/land?aff_sub={click_id}&s1={sub1}&s3={sub3}&geo={geo}&ref={referer}&t={click_datetime}&flow={flow_id}',
      macroValuesFromClick(click),
    );
    expect(url).toBe(
      'https://adv.example/land?aff_sub=01J9Z8K7Q2M4N6P8R0T2V4X6Z8&s1=instagram&s3=&geo=US' +
        '&ref=https%3A%2F%2Fref.example%2Fa%3Fb%3Dc&t=2024-06-10%2006%3A03%3A20&flow=11',
    );
  });
});
