// Turns one delivery's context into the exact HTTP request to send: macros filled (URL-encoded in
// the URL, form- or JSON-encoded in the body, raw in headers), POST bodies signed the Standard
// Webhooks way, GET URLs signed through the {signature} macro.
import { randomUUID } from 'node:crypto';
import { macrosHiddenFrom, postbackReaderRole } from '../auth/field-visibility.ts';
import type { OutboundRequest } from '../deliveries/transport/outbound.types.ts';
import { activeSigningSecrets, signUrl, signWebhook } from '../deliveries/transport/signing.ts';
import { formatDatetimeUtc, formatUnixSeconds, macroValuesFromClick } from '../macros/click-macro-values.ts';
import { type CompiledTemplate, compileTemplate, type MacroValues } from '../macros/template.ts';
import { formatAmount } from './amount-format.ts';
import type { DeliveryContext } from './delivery-context.repository.ts';
import { headersOf } from './postback.view.ts';

export { type DeliveryContext, loadDeliveryContexts } from './delivery-context.repository.ts';

export interface BuiltRequest {
  request: OutboundRequest;
  /** The URL with the publisher's token and the signature masked: safe to store and show. */
  redactedUrl: string;
  /** Macros that rendered empty (a missing sub id, an unknown click…): worth showing, not fatal. */
  warnings: string[];
}

export const REDACTED = 'REDACTED';
const CONTENT_TYPES = { form: 'application/x-www-form-urlencoded', json: 'application/json' } as const;

/** Every macro value of this delivery, keyed by canonical name. */
export function deliveryMacroValues(context: DeliveryContext): MacroValues {
  const { conversion, event, offer, publisher, delivery } = context;
  // The click's values are overridden in place, not spread into a new literal: spreading its ~30
  // values into an object literal that then redefines some of them cost about 60 µs a call in V8
  // (the object's shape is rebuilt every time), more than all the rest of rendering a request.
  const values: MacroValues = context.click ? macroValuesFromClick(context.click) : {};
  values.offer_id = String(conversion.offer_id);
  values.offer_name = offer.name;
  values.advertiser_id = String(conversion.advertiser_id);
  values.publisher_id = String(conversion.publisher_id);
  values.link_id = String(conversion.link_id);
  values.click_id = conversion.click_id;
  values.conversion_id = conversion.id;
  values.txn_id = conversion.txn_id;
  values.goal = conversion.goal;
  values.goal_id = context.goalId == null ? null : String(context.goalId);
  // The status this event moved the conversion to: a reversal fires "reversed" even if a later
  // event has moved the conversion on by the time this delivery is sent.
  values.status = event.to_status;
  values.status_raw = event.status_raw ?? conversion.status_raw;
  values.payout = formatAmount(event.payout);
  values.revenue = formatAmount(conversion.revenue);
  values.sale_amount = formatAmount(conversion.sale_amount);
  values.currency = conversion.currency;
  values.timestamp = formatUnixSeconds(event.created_at);
  values.datetime = formatDatetimeUtc(event.created_at);
  values.security_token = publisher.security_token;
  values.postback_id = delivery.id;
  values.random = randomUUID();
  return values;
}

const hasHeader = (headers: Record<string, string>, lower: string) =>
  Object.keys(headers).some((name) => name.toLowerCase() === lower);

const usesMacro = (template: CompiledTemplate, canonical: string) =>
  template.macros.some((use) => use.canonical === canonical);

function emptyMacros(templates: readonly CompiledTemplate[], values: MacroValues): string[] {
  const empty = new Set<string>();
  for (const template of templates) {
    for (const use of template.macros) {
      if (use.canonical === undefined || use.canonical === 'signature') continue;
      const value = values[use.canonical];
      if (value === null || value === undefined || value === '') empty.add(use.raw);
    }
  }
  return [...empty];
}

/** Renders the request for `context` at `now` (signatures and the webhook timestamp use `now`). */
export function buildOutboundRequest(context: DeliveryContext, now: number, userAgent: string): BuiltRequest {
  const { postback, publisher, delivery } = context;
  const values = deliveryMacroValues(context);
  return renderRequest({ postback, publisher, msgId: delivery.id, values }, now, userAgent);
}

export interface RenderInput {
  postback: DeliveryContext['postback'];
  publisher: DeliveryContext['publisher'];
  /** webhook-id: the delivery id (stable across retries), or a fresh id for a test fire. */
  msgId: string;
  values: MacroValues;
}

const HIDDEN_FROM_PUBLISHERS = macrosHiddenFrom(postbackReaderRole('publisher'));

/**
 * Blanks, in place, what the postback's receiver may not read, so that a template saved before a
 * rule existed still cannot leak it. `values` is built afresh for each rendering.
 */
function keepReadableValues(postback: RenderInput['postback'], values: MacroValues): MacroValues {
  if (postback.audience === 'network') return values;
  for (const name of HIDDEN_FROM_PUBLISHERS) if (values[name] != null) values[name] = null;
  return values;
}

/** The rendering itself, shared by real deliveries and the "Test Conversion" fire. */
export function renderRequest(input: RenderInput, now: number, userAgent: string): BuiltRequest {
  const { postback, publisher } = input;
  const values = keepReadableValues(postback, input.values);
  const urlTemplate = compileTemplate(postback.url);
  let url: string;
  let signature: string | undefined;
  if (usesMacro(urlTemplate, 'signature')) {
    const canonical = urlTemplate.render({ ...values, signature: '' }, 'url');
    signature = signUrl(canonical, publisher.signing_secret);
    url = urlTemplate.render({ ...values, signature }, 'url');
  } else {
    url = urlTemplate.render(values, 'url');
  }
  const redactedUrl =
    signature !== undefined || usesMacro(urlTemplate, 'security_token')
      ? urlTemplate.render({ ...values, security_token: REDACTED, signature: REDACTED }, 'url')
      : url;

  const headers: Record<string, string> = {};
  const templates: CompiledTemplate[] = [urlTemplate];
  for (const [name, template] of Object.entries(headersOf(postback))) {
    const compiled = compileTemplate(template);
    templates.push(compiled);
    // Header values cannot carry line breaks; a value with one would split the request.
    headers[name] = compiled.render(values, 'raw').replace(/[\r\n]+/g, ' ');
  }
  if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = userAgent;

  const request: OutboundRequest = { url, method: postback.method, headers, timeoutMs: postback.timeout_ms };
  if (postback.method === 'POST') {
    const format = postback.body_format === 'json' ? 'json' : 'form';
    const bodyTemplate = compileTemplate(postback.body_template ?? '');
    templates.push(bodyTemplate);
    const body = bodyTemplate.render(values, format);
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = CONTENT_TYPES[format];
    Object.assign(
      headers,
      signWebhook({
        secrets: activeSigningSecrets(publisher, now),
        msgId: input.msgId,
        timestamp: Math.floor(now / 1000),
        body,
      }),
    );
    request.body = body;
  }
  const warnings = emptyMacros(templates, values).map((macro) => `${macro} rendered empty`);
  return { request, redactedUrl, warnings };
}
