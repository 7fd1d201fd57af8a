// Parameter presets: how the common networks and trackers name what they send, so a new
// integration is picked, not typed. Data, not code. Each entry says where its names come from;
// a name we could not confirm in the network's own documentation is left out (the alias table
// still reads it), never guessed. Status words every network shares (approved, pending, sale,
// lead…) are in the crosswalk already; a preset lists only the codes that differ.
import type { Status } from '../../conversion.table.ts';
import type { MappableField } from './parameter-map.ts';

export interface PresetSignature {
  /** The parameter carrying the signature. */
  param: string;
  algorithm: 'md5' | 'sha256';
  /** Parameters whose values are joined, in this order, before the secret. */
  fields: readonly string[];
  separator: string;
}

export interface InboundPreset {
  name: string;
  label: string;
  kind: 'tracker' | 'offerwall';
  /** Field → parameter name; null = this field is never read from this network (its name means something else). */
  parameterMap: Partial<Record<MappableField, string | null>>;
  /** Parameter → the network's macro, for the ready-to-copy URL; absent when the network appends its own names. */
  macros?: Readonly<Record<string, string>>;
  statusMap?: Readonly<Record<string, Status>>;
  /** The network adds its own parameter names to the URL it is given (nothing to fill in). */
  appendsOwnParameters?: true;
  signature?: PresetSignature;
  source: string;
}

const PRESET_LIST: readonly InboundPreset[] = [
  {
    // helpdesk.everflow.io "Accessing & Editing S2S Postback URLs": transaction_id is the click,
    // amount the sale amount; mrpostback.com/everflow: order_id and adv_event_id on advertiser postbacks.
    name: 'everflow',
    label: 'Everflow',
    kind: 'tracker',
    parameterMap: {
      clickId: 'transaction_id',
      saleAmount: 'amount',
      txnId: 'order_id',
      goal: 'adv_event_id',
    },
    source: 'https://helpdesk.everflow.io/customer/accessing-editing-s2s-postback-urls',
  },
  {
    // TUNE's server postback is aff_lsr?transaction_id=… (help-center.affise.com "Affise <-> Tune").
    name: 'hasoffers',
    label: 'HasOffers / TUNE',
    kind: 'tracker',
    parameterMap: { clickId: 'transaction_id' },
    source: 'https://affise.zendesk.com/hc/en-us/articles/115002004069-Affise-Tune-HasOffers-',
  },
  {
    // help-center.affise.com "Affise postback URL parameters": clickid, status 1/2/3/5, sum, goal.
    name: 'affise',
    label: 'Affise',
    kind: 'tracker',
    parameterMap: { clickId: 'clickid', txnId: 'action_id', amount: 'sum', goal: 'goal', status: 'status' },
    statusMap: { '1': 'approved', '2': 'pending', '3': 'declined', '5': 'pending' },
    source: 'https://help-center.affise.com/en/articles/6475468-affise-postback-url-parameters',
  },
  {
    // support.getcake.com: the request id comes back in r=; mrpostback.com/cake: the transaction id in t=.
    name: 'cake',
    label: 'CAKE',
    kind: 'tracker',
    parameterMap: { clickId: 'r', txnId: 't' },
    source: 'https://support.getcake.com/support/solutions/articles/5000546059',
  },
  {
    // help.trackier.com "Key Parameters for Setting Up Advertiser Postback".
    name: 'trackier',
    label: 'Trackier',
    kind: 'tracker',
    parameterMap: {
      clickId: 'click_id',
      txnId: 'txn_id',
      amount: 'revenue',
      saleAmount: 'sale_amount',
      goal: 'goal_value',
      currency: 'currency',
      status: 'status',
    },
    source: 'https://help.trackier.com/en/articles/8107277-key-parameters-for-setting-up-advertiser-postback',
  },
  {
    // docs.keitaro.io "Postback": subid (required), tid, payout, status lead/sale/rejected, currency.
    name: 'keitaro',
    label: 'Keitaro',
    kind: 'tracker',
    parameterMap: {
      clickId: 'subid',
      txnId: 'tid',
      amount: 'payout',
      status: 'status',
      currency: 'currency',
    },
    statusMap: { lead: 'pending', sale: 'approved', rejected: 'rejected' },
    source: 'https://docs.keitaro.io/en/conversions/postback.html',
  },
  {
    // doc.voluum.com "Parameters in Postback URLs": cid, payout, txid, currency, et.
    name: 'voluum',
    label: 'Voluum',
    kind: 'tracker',
    parameterMap: { clickId: 'cid', amount: 'payout', txnId: 'txid', currency: 'currency', goal: 'et' },
    source: 'https://doc.voluum.com/en/tracking_conversions_postback.html',
  },
  {
    // AdGate Media / Prodege: {s1} carries what the wall was given (our click id), {payout} USD,
    // {conversion_id}, {state} approved / rejected / pending; {points} is the user's reward, not money.
    name: 'adgate',
    label: 'AdGate Media / Prodege',
    kind: 'offerwall',
    parameterMap: { clickId: 's1', amount: 'payout', txnId: 'conversion_id', status: 'state' },
    macros: { s1: '{s1}', payout: '{payout}', conversion_id: '{conversion_id}', state: '{state}' },
    source: 'https://docs.adgatemedia.com/postbacks/postback-information',
  },
  {
    // ayeT-Studios offerwall callbacks; its HMAC travels in a header we do not verify, so the token stays.
    name: 'ayetstudios',
    label: 'ayeT-Studios',
    kind: 'offerwall',
    parameterMap: { clickId: 'external_identifier', amount: 'payout_usd', txnId: 'transaction_id' },
    macros: {
      external_identifier: '{external_identifier}',
      payout_usd: '{payout_usd}',
      transaction_id: '{transaction_id}',
    },
    source: 'https://docs.ayetstudios.com/v/product-docs/callbacks-and-testing/callbacks/offerwall-callbacks',
  },
  {
    // Tapjoy self-managed currency: snuid, currency (an amount of virtual currency, not ISO), id, verifier.
    name: 'tapjoy',
    label: 'Tapjoy',
    kind: 'offerwall',
    parameterMap: { clickId: 'snuid', txnId: 'id', currency: null, amount: null },
    appendsOwnParameters: true,
    signature: { param: 'verifier', algorithm: 'md5', fields: ['id', 'snuid', 'currency'], separator: ':' },
    source: 'https://dev.tapjoy.com/en/support/Self-Managed-Currency',
  },
  {
    // OfferToro / Torox: id (conversion), oid (offer), amount in the site's currency, user_id, sig.
    name: 'offertoro',
    label: 'OfferToro / Torox',
    kind: 'offerwall',
    parameterMap: { clickId: 'user_id', txnId: 'id', amount: null },
    appendsOwnParameters: true,
    signature: { param: 'sig', algorithm: 'md5', fields: ['oid', 'user_id'], separator: '-' },
    source: 'https://www.offertoro.com/docs/postback',
  },
  {
    // Lootably: {userID}, {transactionID}, {revenue} in USD; {currencyReward} is the user's reward.
    name: 'lootably',
    label: 'Lootably',
    kind: 'offerwall',
    parameterMap: { clickId: 'userid', txnId: 'transactionid', amount: 'revenue' },
    macros: { userid: '{userID}', transactionid: '{transactionID}', revenue: '{revenue}' },
    source: 'https://documentation.lootably.com/docs/postbacks',
  },
  {
    // AdGem: {player_id}, {payout} (to validate with), {goal_id}; {amount} is the user's reward.
    name: 'adgem',
    label: 'AdGem',
    kind: 'offerwall',
    parameterMap: { clickId: 'player_id', amount: 'payout', goal: 'goal_id' },
    macros: { player_id: '{player_id}', payout: '{payout}', goal_id: '{goal_id}' },
    source: 'https://docs.adgem.com/publisher-support/web-postback-setup',
  },
  {
    // The "lite" family (Revtoo, Revlum, adrevmedia, Monlix…): subId, transId, reward (the user's),
    // payout, status 1 = credit / 2 = chargeback, signature = md5(subId + transId + reward + secret).
    name: 'revtoo',
    label: 'Revtoo / Revlum / Monlix (subId, transId, signature)',
    kind: 'offerwall',
    parameterMap: { clickId: 'subid', txnId: 'transid', amount: 'payout', status: 'status' },
    statusMap: { '1': 'approved', '2': 'reversed' },
    appendsOwnParameters: true,
    signature: {
      param: 'signature',
      algorithm: 'md5',
      fields: ['subid', 'transid', 'reward'],
      separator: '',
    },
    source: 'https://docs.revtoo.com/s2s-postback/postback-security',
  },
];

export const INBOUND_PRESETS: ReadonlyMap<string, InboundPreset> = new Map(
  PRESET_LIST.map((p) => [p.name, p]),
);

export function listInboundPresets(): readonly InboundPreset[] {
  return PRESET_LIST;
}
