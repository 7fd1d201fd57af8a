// Every macro a template may contain, as data: users paste templates written for other trackers and
// networks, so each canonical name carries the aliases those tools use (see reference/macros.md).
import type { MacroValues } from './template.ts';

export const MACRO_GROUPS = [
  'click',
  'conversion',
  'offer',
  'publisher',
  'time',
  'ad_platform',
  'delivery',
  'other',
  'reward',
] as const;
export type MacroGroup = (typeof MACRO_GROUPS)[number];

export interface MacroDefinition {
  name: string;
  aliases: string[];
  description: string;
  example: string;
  group: MacroGroup;
}

function define(
  name: string,
  group: MacroGroup,
  example: string,
  description: string,
  aliases: string[] = [],
): MacroDefinition {
  return Object.freeze({ name, aliases: Object.freeze(aliases) as string[], description, example, group });
}

const SUB_IDS_EXAMPLES = [
  'instagram',
  'story',
  'summerlaunch',
  'creative_12',
  'ad_7',
  'seg_a',
  'de',
  'v2',
  'x9',
  'z',
];

const subIds = SUB_IDS_EXAMPLES.map((example, i) => {
  const n = i + 1;
  return define(`sub${n}`, 'click', example, `Sub ID ${n} captured on the tracking link or click`, [
    `subid_${n}`,
    `sub_id_${n}`,
    `p${n}`,
  ]);
});

const ADV_SUB_EXAMPLES = ['aff_77', 'lp_b', 'camp_9', 'seg_2', 'us', 'ios', 'v3', 'a', 'b', 'c'];

// The sub ids an advertiser sent on its postback (Everflow's adv1…adv5, extended to ten), so a
// postback can forward them down a daisy chain.
const advertiserSubIds = ADV_SUB_EXAMPLES.map((example, i) =>
  define(
    `adv${i + 1}`,
    'conversion',
    example,
    `sub${i + 1} as the advertiser sent it on the conversion postback`,
  ),
);

export const MACROS: readonly MacroDefinition[] = Object.freeze([
  // clickid is what Voluum and RedTrack call their click id in postback templates.
  define('click_id', 'click', '01J9Z8K7Q2M4N6P8R0T2V4X6Z8', 'Our click id', ['unique_click_id', 'clickid']),
  define(
    'external_id',
    'click',
    'abc123xyz',
    "The publisher's own click id, captured on the link as cid, clickid, click_id or external_id",
    ['externalid', 'externalId', 'aff_click_id', 'pub_click_id'],
  ),
  ...subIds,
  define('ip', 'click', '203.0.113.7', 'Visitor IP address at click', ['user_ip']),
  define(
    'user_agent',
    'click',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
    'Visitor user agent at click',
    ['ua', 'uagent'],
  ),
  define('country', 'click', 'US', 'Visitor country, ISO 3166-1 alpha-2', [
    'geo',
    'geo_country_code',
    'country_code',
  ]),
  define('os', 'click', 'iOS', 'Visitor operating system', ['os_name']),
  define('device', 'click', 'mobile', 'Visitor device type', ['device_type']),
  define('browser', 'click', 'Mobile Safari', 'Visitor browser', ['browser_name']),
  define('referrer', 'click', 'https://news.example.com/article', 'Referring page of the click', ['referer']),

  define('conversion_id', 'conversion', '01J9Z9A1B2C3D4E5F6G7H8J9K0', 'Our conversion id'),
  define('txn_id', 'conversion', 'ORD-10042', "The advertiser's transaction id", [
    'transaction_id',
    'txid',
    'tid',
    'order_id',
    'transactionid',
  ]),
  define('goal', 'conversion', 'purchase', 'Goal key (install, registration, purchase…)', [
    'goal_status',
    'goal_name',
    'event',
    'event_name',
  ]),
  define('goal_id', 'conversion', '3', 'Goal id'),
  define(
    'status',
    'conversion',
    'approved',
    'Canonical status: pending, approved, rejected, declined, reversed',
    ['conversion_status'],
  ),
  define('status_raw', 'conversion', 'sale', 'The status word the advertiser sent', ['original_status']),
  define('payout', 'conversion', '0.50', 'Publisher payout for this event', ['payout_amount', 'amount']),
  define('revenue', 'conversion', '0.80', 'Advertiser revenue for this event'),
  define('sale_amount', 'conversion', '49.99', 'Order value reported by the advertiser', ['order_sum']),
  define('currency', 'conversion', 'USD', 'Currency, ISO 4217', ['offer_currency', 'cnv_currency']),
  ...advertiserSubIds,

  define('offer_id', 'offer', '42', 'Offer id'),
  define('offer_name', 'offer', 'Summer App Install', 'Offer name'),
  define('advertiser_id', 'offer', '5', 'Advertiser id'),

  define('publisher_id', 'publisher', '7', 'Publisher (affiliate, traffic source) id', [
    'affiliate_id',
    'aff_id',
    'pid',
    'partner_id',
    'tsource_id',
  ]),
  define('link_id', 'publisher', '7', 'Tracking link id (flow)', ['flow_id']),
  define('smartlink_id', 'publisher', '3', 'SmartLink that chose the offer (empty for a single-offer link)', [
    'smart_link_id',
  ]),
  define('security_token', 'publisher', 'secret_token_123', "The publisher's own security token", ['token']),

  define('timestamp', 'time', '1718000000', 'Event time, Unix seconds UTC', ['unix_timestamp']),
  define('datetime', 'time', '2024-06-10 06:13:20', 'Event time, YYYY-MM-DD HH:MM:SS UTC'),
  define('click_timestamp', 'time', '1717999400', 'Click time, Unix seconds UTC'),
  define('click_datetime', 'time', '2024-06-10 06:03:20', 'Click time, YYYY-MM-DD HH:MM:SS UTC'),

  define('fbclid', 'ad_platform', 'IwAR2xYz_Example', 'Meta click id captured on the click'),
  define('ttclid', 'ad_platform', 'E.C.P.example123', 'TikTok click id captured on the click'),
  define('gclid', 'ad_platform', 'Cj0KCQjwExample', 'Google Ads click id captured on the click'),
  define('gbraid', 'ad_platform', '0AAAAAExampleGb', 'Google Ads app-to-web click id (iOS)'),
  define('wbraid', 'ad_platform', '1t3ExampleWb', 'Google Ads web-to-app click id (iOS)'),
  define(
    'msclkid',
    'ad_platform',
    '3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c',
    'Microsoft Ads click id captured on the click',
  ),
  define(
    'fbp',
    'ad_platform',
    'fb.1.1596403881668.1116446470',
    "Meta browser id (the link's fbp or the _fbp cookie) captured on the click",
  ),

  define(
    'postback_id',
    'delivery',
    '01J9Z9B7C8D9E0F1G2H3J4K5M6',
    'Id of this delivery, identical on every retry (for receiver dedupe)',
    ['event_id'],
  ),
  define(
    'signature',
    'delivery',
    '3b9f1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
    'HMAC-SHA256 (hex) of the canonical URL, filled by the postback engine',
  ),
  define('random', 'other', '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', 'A fresh UUID per fire', ['rand']),
  // The rewards ledger entry this event wrote (empty when it wrote none), or the adjustment or
  // redemption the delivery tells about.
  define('user_id', 'reward', 'user_12345', 'The rewards user credited or debited', ['reward_user_id']),
  define('points', 'reward', '350', 'Signed points of the ledger entry', ['reward_points']),
  define('balance', 'reward', '1200', "The user's balance after the entry", ['reward_balance']),
  define('ledger_entry_id', 'reward', '42', 'Id of the ledger entry (for receiver dedupe)'),
  define('reward_kind', 'reward', 'credit', 'credit, reversal, adjustment or redemption'),
]);

// Lower-cased name → canonical, built once: lookups happen while parsing templates.
const NAME_INDEX: ReadonlyMap<string, string> = (() => {
  const index = new Map<string, string>();
  for (const macro of MACROS) {
    for (const name of [macro.name, ...macro.aliases]) {
      const key = name.toLowerCase();
      const existing = index.get(key);
      if (existing !== undefined && existing !== macro.name) {
        throw new Error(`macro name ${name} is claimed by both ${existing} and ${macro.name}`);
      }
      index.set(key, macro.name);
    }
  }
  return index;
})();

/** Alias or canonical name (any case) → canonical name; undefined when the name is not ours. */
export function resolveMacroName(name: string): string | undefined {
  return NAME_INDEX.get(name.toLowerCase());
}

/** Every name a template may use (canonical names and aliases), as written in the catalogue. */
export function listKnownMacroNames(): string[] {
  return MACROS.flatMap((macro) => [macro.name, ...macro.aliases]);
}

/** Example value for every canonical macro, for "Test Conversion" (which has no real click). */
export function sampleMacroValues(): MacroValues {
  const values: MacroValues = {};
  for (const macro of MACROS) values[macro.name] = macro.example;
  return values;
}
