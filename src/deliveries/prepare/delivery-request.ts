// Turns one delivery's context into the exact HTTP request to send: macros filled (URL-encoded in
// the URL, form- or JSON-encoded in the body, raw in headers), POST bodies signed the Standard
// Webhooks way, GET URLs signed through the {signature} macro.
import { randomUUID } from 'node:crypto';
import { macrosHiddenFrom, postbackReaderRole } from '../../auth/field-visibility.ts';
import { ADV_SUB_COLUMNS } from '../../conversions/conversion.table.ts';
import {
  formatDatetimeUtc,
  formatUnixSeconds,
  macroValuesFromClick,
} from '../../macros/click-macro-values.ts';
import type { MacroEncoding } from '../../macros/macro-encoding.ts';
import { type CompiledTemplate, compileTemplate, type MacroValues } from '../../macros/template.ts';
import { assertNoMacroInAuthority } from '../../macros/validate-template.ts';
import { headersOf, secretParamsOf, secretPathSegmentsOf } from '../../postbacks/postback.view.ts';
import {
  maskValues,
  REDACTED,
  redactHeaders,
  redactJsonBody,
  redactUrl,
  redactUrlEncoded,
  type SecretParts,
  secretPartsOf,
} from '../../postbacks/redact-request.ts';
import type { OutboundRequest } from '../transport/outbound.types.ts';
import { activeSigningSecrets, signUrl, signWebhook } from '../transport/signing.ts';
import { formatAmount } from './amount-format.ts';
import type {
  ConversionDeliveryContext,
  DeliveryContext,
  LedgerDeliveryContext,
} from './delivery-context.repository.ts';

export {
  type ConversionDeliveryContext,
  type DeliveryContext,
  loadDeliveryContexts,
} from './delivery-context.repository.ts';

/** A request as it may be stored and shown: every secret replaced by REDACTED. */
export interface RecordedRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string | null;
}

export interface BuiltRequest {
  request: OutboundRequest;
  /** The same request with the secret macros, marked parts and credential headers masked. */
  recorded: RecordedRequest;
  /** A receiver's answer with any echo of a value the record masks masked too, for the record. */
  maskEcho: (text: string) => string;
  /** Macros that rendered empty (a missing sub id, an unknown click…): worth showing, not fatal. */
  warnings: string[];
}

// Macros whose values are secrets: rendered as REDACTED in what is recorded.
const SECRET_MACROS = ['security_token', 'signature'] as const;
const CONTENT_TYPES = { form: 'application/x-www-form-urlencoded', json: 'application/json' } as const;

/** Every macro value of this delivery, keyed by canonical name. */
export function deliveryMacroValues(context: DeliveryContext): MacroValues {
  const values = context.conversion ? conversionMacroValues(context) : ledgerMacroValues(context);
  values.security_token = context.publisher.security_token;
  values.postback_id = context.delivery.id;
  values.random = randomUUID();
  const reward = context.reward;
  values.user_id = reward ? reward.user_id : null;
  values.points = reward ? String(reward.points) : null;
  values.balance = reward ? String(reward.balance_after) : null;
  values.ledger_entry_id = reward ? String(reward.id) : null;
  values.reward_kind = reward ? reward.kind : null;
  return values;
}

function conversionMacroValues(context: ConversionDeliveryContext): MacroValues {
  const { conversion, event, offer } = context;
  // The click's values are overridden in place, not spread into a new literal: V8 rebuilds the shape
  // of a literal that spreads ~30 values and then redefines some of them, on every call.
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
  for (const column of ADV_SUB_COLUMNS) values[column] = conversion[column];
  values.timestamp = formatUnixSeconds(event.created_at);
  values.datetime = formatDatetimeUtc(event.created_at);
  return values;
}

/** A ledger entry written by hand has no click, offer or conversion: those macros render empty. */
function ledgerMacroValues(context: LedgerDeliveryContext): MacroValues {
  const created = Number(context.reward.created_at);
  return {
    publisher_id: String(context.reward.publisher_id),
    timestamp: formatUnixSeconds(created),
    datetime: formatDatetimeUtc(created),
  };
}

const secretPartsByMarks = new Map<string, SecretParts>();

/** A postback's secret parts, parsed once per distinct marking rather than once per delivery. */
function secretPartsFor(postback: DeliveryContext['postback']): SecretParts {
  const marks = `${postback.secret_params}\n${postback.secret_path_segments}`;
  let parts = secretPartsByMarks.get(marks);
  if (parts === undefined) {
    parts = secretPartsOf(secretParamsOf(postback), secretPathSegmentsOf(postback));
    if (secretPartsByMarks.size > 1_000) secretPartsByMarks.clear();
    secretPartsByMarks.set(marks, parts);
  }
  return parts;
}

const hasHeader = (headers: Record<string, string>, lower: string) =>
  Object.keys(headers).some((name) => name.toLowerCase() === lower);

const usesMacro = (template: CompiledTemplate, canonical: string) =>
  template.macros.some((use) => use.canonical === canonical);

const usesSecretMacro = (template: CompiledTemplate) =>
  SECRET_MACROS.some((name) => usesMacro(template, name));

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
  // Saving refuses these; a row saved before that rule must not let a click choose the host.
  assertNoMacroInAuthority('url', postback.url);
  let url: string;
  const secretValues: string[] = [];
  if (typeof values.security_token === 'string') secretValues.push(values.security_token);
  if (usesMacro(urlTemplate, 'signature')) {
    const canonical = urlTemplate.render({ ...values, signature: '' }, 'url');
    const signature = signUrl(canonical, publisher.signing_secret);
    secretValues.push(signature);
    url = urlTemplate.render({ ...values, signature }, 'url');
  } else {
    url = urlTemplate.render(values, 'url');
  }
  let redactedValues: MacroValues | undefined;
  // Only a template holding a secret macro is rendered a second time, for the record.
  const renderForRecord = (template: CompiledTemplate, sent: string, encoding: MacroEncoding) => {
    if (!usesSecretMacro(template)) return sent;
    redactedValues ??= { ...values, security_token: REDACTED, signature: REDACTED };
    return template.render(redactedValues, encoding);
  };
  const secretParts = secretPartsFor(postback);

  const headers: Record<string, string> = {};
  const recordedHeaders: Record<string, string> = {};
  const templates: CompiledTemplate[] = [urlTemplate];
  for (const [name, template] of Object.entries(headersOf(postback))) {
    const compiled = compileTemplate(template);
    templates.push(compiled);
    // Header values cannot carry line breaks; a value with one would split the request.
    headers[name] = compiled.render(values, 'raw').replace(/[\r\n]+/g, ' ');
    recordedHeaders[name] = renderForRecord(compiled, headers[name], 'raw').replace(/[\r\n]+/g, ' ');
  }
  if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = userAgent;

  const request: OutboundRequest = { url, method: postback.method, headers, timeoutMs: postback.timeout_ms };
  let recordedBody: string | null = null;
  if (postback.method === 'POST') {
    const format = postback.body_format === 'json' ? 'json' : 'form';
    const bodyTemplate = compileTemplate(postback.body_template ?? '');
    templates.push(bodyTemplate);
    const body = bodyTemplate.render(values, format);
    const bodyForRecord = renderForRecord(bodyTemplate, body, format);
    recordedBody =
      format === 'json'
        ? redactJsonBody(bodyForRecord, secretParts.params, secretValues)
        : redactUrlEncoded(bodyForRecord, secretParts.params, secretValues);
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
  const recorded: RecordedRequest = {
    url: redactUrl(renderForRecord(urlTemplate, url, 'url'), secretParts, secretValues),
    method: postback.method,
    headers: redactHeaders({ ...headers, ...recordedHeaders }, secretValues),
    body: recordedBody,
  };
  const warnings = emptyMacros(templates, values).map((macro) => `${macro} rendered empty`);
  return { request, recorded, maskEcho: (text) => maskValues(text, secretValues), warnings };
}
