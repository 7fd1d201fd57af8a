// Which request parameter names mean what (all seeds and the major networks). Data, not code:
// a new network's spelling is one more word in a list. Earlier names win when several are sent.
export const INBOUND_ALIASES = {
  clickId: ['click_id', 'clickid', 'cid', 'subid', 'sub_id', 'aff_click_id', 'r'],
  txnId: [
    'txn_id',
    'transaction_id',
    'txid',
    'tid',
    'tx_id',
    'order_id',
    'transactionid',
    'oid',
    'action_id',
    'conversion_id',
  ],
  amount: ['payout', 'revenue', 'sum', 'amount'],
  // Kept apart from the amount: an order value is not what anyone is paid.
  saleAmount: ['sale_amount'],
  currency: ['currency', 'cnv_currency'],
  status: ['status', 'cnv_status', 'conv_status', 'goal_status'],
  goal: ['goal', 'goal_id', 'goal_alias', 'event', 'event_name', 'et', 'type'],
  token: ['token', 'security_token', 'secret', 'key', 'verification_token'],
} as const satisfies Record<string, readonly string[]>;

/** A network slug for /postback?network=…: lowercase letters, digits and inner dashes. */
export const NETWORK_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const SUB_PARAMS = Array.from({ length: 10 }, (_, i) => `sub${i + 1}`);

export type InboundField = keyof typeof INBOUND_ALIASES;

/** Normalised names (lower case) → first value sent. */
export type InboundParams = ReadonlyMap<string, string>;

export type InboundFields = { [K in InboundField]: string | undefined } & {
  subs: Record<string, string>;
};

function pick(params: InboundParams, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = params.get(name);
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

const FIELDS = Object.keys(INBOUND_ALIASES) as InboundField[];

/** `names`: an advertiser's own names per field (parameter-map.ts); the alias table otherwise. */
export function extractInboundFields(
  params: InboundParams,
  names: Readonly<Record<InboundField, readonly string[]>> = INBOUND_ALIASES,
): InboundFields {
  const fields = {} as InboundFields;
  for (const field of FIELDS) fields[field] = pick(params, names[field]);
  fields.subs = {};
  for (const name of SUB_PARAMS) {
    const value = params.get(name);
    if (value !== undefined && value !== '') fields.subs[name] = value;
  }
  return fields;
}

const TOKEN_NAMES: ReadonlySet<string> = new Set(INBOUND_ALIASES.token);

/** True for parameter names that carry a secret and must never be stored or logged in clear. */
export function isSecretParam(name: string): boolean {
  return TOKEN_NAMES.has(name.toLowerCase());
}
