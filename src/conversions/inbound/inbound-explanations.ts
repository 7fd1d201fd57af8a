// Every inbound answer code in plain words: what it means and what to do about it. The postback
// log shows these beside each hit, so an operator can fix an advertiser's integration unaided.
import type { InboundCode } from './inbound-codes.ts';

export interface InboundExplanation {
  meaning: string;
  action: string;
}

export const INBOUND_EXPLANATIONS = {
  conversion_created: {
    meaning: 'The postback was accepted and recorded a new conversion.',
    action: 'Nothing to do. Open the conversion to see the postbacks it fired.',
  },
  status_changed: {
    meaning: 'The postback named a known transaction and moved its conversion to a new status.',
    action: "Nothing to do. The conversion's history shows the change.",
  },
  conversion_held: {
    meaning:
      'An inbound rule or cap held the new conversion as pending for manual review; its reason code says which.',
    action: 'Approve or reject it in the review queue, or change the rule if it holds good conversions.',
  },
  conversion_rejected: {
    meaning:
      'An inbound rule or cap rejected the conversion; its reason code says which. Nothing was paid out.',
    action:
      "Check the rule named by the reason code; if the conversion is genuine, change the rule or the offer's cap.",
  },
  duplicate: {
    meaning: 'The conversion was already recorded with this status; nothing was counted twice.',
    action:
      'Nothing to do unless the advertiser means separate sales: then it must send a distinct txn id for each, or the offer must allow duplicates.',
  },
  missing_click_id: {
    meaning: 'The postback carried no click id (click_id, clickid, cid, subid, sub_id or aff_click_id).',
    action:
      "Check that the advertiser's postback URL includes the click id macro in one of these parameters.",
  },
  invalid_payout: {
    meaning: 'The payout or sale amount was not a number we accept (negative, too large or not numeric).',
    action: 'Ask the advertiser to send a plain decimal number such as 12.50, without currency signs.',
  },
  invalid_status: {
    meaning: 'The status value matched none of the known statuses or the advertiser’s status map.',
    action:
      "Add the advertiser's word for it to the advertiser's status map, or ask them to send approved, pending or rejected.",
  },
  invalid_currency: {
    meaning: 'The currency was not a three-letter ISO 4217 code.',
    action: 'Ask the advertiser to send a code such as USD or EUR, or to leave the currency out.',
  },
  invalid_txn_id: {
    meaning: 'The transaction id was longer than 255 characters.',
    action: 'Ask the advertiser to send a shorter transaction id (at most 255 characters).',
  },
  invalid_body: {
    meaning: 'The request body could not be read as a form or a JSON object.',
    action: 'Check the content type and body the advertiser sends; a query string alone also works.',
  },
  missing_token: {
    meaning: 'The postback carried no advertiser token, in the URL path or as a parameter.',
    action: "Give the advertiser its own postback URL from the advertiser's page; it includes the token.",
  },
  bad_token: {
    meaning: 'The token matches no advertiser (mistyped, or rotated since).',
    action: "Send the advertiser the current postback URL from the advertiser's page.",
  },
  unknown_network: {
    meaning: 'The network parameter names no advertiser (mistyped, or the slug was changed).',
    action: "Compare the network in the URL with the network slug on the advertiser's page.",
  },
  bad_signature: {
    meaning:
      "The network's signature does not match: the signing secret differs, or the values were altered.",
    action: "Paste the network's current secret key into the advertiser's signing secret.",
  },
  signature_not_configured: {
    meaning: 'The network signed the hit but this advertiser has no signing secret, and no token was sent.',
    action: "Set the network's secret key on the advertiser's page, or add the token to the URL.",
  },
  ip_not_allowed: {
    meaning: "The hit came from an address outside the advertiser's IP allowlist.",
    action: "If the address is the advertiser's, add it to the allowlist on the advertiser's page.",
  },
  unknown_click: {
    meaning: 'The click id was not found (or belongs to another advertiser’s offer).',
    action:
      'Check that the advertiser sends the click id you passed in the offer URL ({click_id}), unchanged.',
  },
  method_not_allowed: {
    meaning: 'The postback used an HTTP method other than GET or POST.',
    action: 'Ask the advertiser to fire the postback as a GET or a POST.',
  },
  illegal_transition: {
    meaning:
      'The conversion cannot move from its current status to the one sent (a reversed conversion stays reversed).',
    action: "If the change is right, make it by hand on the conversion's page with a reason (override).",
  },
  payload_too_large: {
    meaning: 'The request body was larger than we accept.',
    action: 'Ask the advertiser to send only the postback fields, not a whole order document.',
  },
  click_expired: {
    meaning: "The click is older than the offer's click lifetime, so it can no longer convert.",
    action: "If late conversions are expected, lengthen the offer's click lifetime (days).",
  },
  unknown_goal: {
    meaning: 'The goal named in the postback is not a goal of the offer.',
    action: "Add the goal to the offer, or ask the advertiser to send one of the offer's goal keys.",
  },
  rate_limited: {
    meaning: 'Too many hits came from this address in a short time; this one was refused.',
    action:
      'The advertiser should retry after the Retry-After delay; if the volume is genuine, raise the inbound rate limit.',
  },
  internal: {
    meaning: 'Something failed on our side while recording the hit.',
    action: "Check the server's log; the advertiser should retry, and nothing was recorded.",
  },
  store_unavailable: {
    meaning: 'The database could not be reached, so nothing was recorded.',
    action: 'Bring the database back; the advertiser should retry the postback.',
  },
} as const satisfies Record<InboundCode, InboundExplanation>;

/** What a logged code means; codes no longer issued get a neutral line rather than nothing. */
export function explainInboundCode(code: string): InboundExplanation {
  return (
    (INBOUND_EXPLANATIONS as Record<string, InboundExplanation>)[code] ?? {
      meaning: `The hit was answered with code ${code}.`,
      action: 'No explanation is recorded for this code.',
    }
  );
}
