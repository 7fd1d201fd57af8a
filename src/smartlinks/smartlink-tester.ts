// "Which offer would this visitor get": the click path's own resolver, run on a fresh compile of the
// SmartLink (its rotation at the start, nothing recorded).
import type { AppContext } from '../server/app-context.ts';
import { notFound } from '../shared/errors.ts';
import { everyOfferAvailable } from './offer-availability.ts';
import { compileRow, findSmartLinkRow } from './smartlink.service.ts';
import { explainRoute, FALLBACK_RULE_ID, normalizeVisitor } from './smartlink-resolver.ts';
import { parseRules, type Visitor } from './smartlink-rules.ts';

export async function testSmartLink(ctx: AppContext, id: number, visitor: Partial<Visitor>, publisherId = 0) {
  const row = await findSmartLinkRow(ctx.store.db, id);
  if (!row) throw notFound('smartlink');
  const compiled = await compileRow(ctx.store.db, row, ctx.offerAvailability ?? everyOfferAvailable);
  const full: Visitor = {
    country: visitor.country ?? null,
    device: visitor.device ?? null,
    os: visitor.os ?? null,
    browser: visitor.browser ?? null,
    language: visitor.language ?? null,
  };
  const route = explainRoute(compiled, normalizeVisitor(full), publisherId);
  const fallback = route.ruleId === FALLBACK_RULE_ID;
  return {
    result: fallback ? ('fallback' as const) : ('offer' as const),
    ruleId: fallback ? null : route.ruleId,
    ruleName: fallback ? null : (parseRules(row.rules).find((r) => r.id === route.ruleId)?.name ?? null),
    offerId: route.target?.offerId ?? null,
    fallbackUrl: fallback ? row.fallback_url : null,
    candidates: route.candidates,
  };
}
