// Conversions an operator imports from a network's export (a discrepancy check): each goes through
// the same checks, writes and outbox as a postback from that advertiser, minus the rate limit and
// the IP allow-list (the operator is not the advertiser's server). The postback log marks it: its
// method is IMPORT and its URL names the check it came from.
import type { AppContext } from '../../server/app-context.ts';
import { createInboundPipeline } from './inbound.service.ts';
import { createInboundDeps } from './inbound-check.ts';
import type { InboundResult } from './inbound-codes.ts';

export interface ImportedConversion {
  advertiserToken: string;
  clickId: string;
  txnId: string | null;
  amount: number | null;
  /** The word in the export, mapped like a postback's status. */
  status: string | null;
  currency: string | null;
}

export interface ConversionImporter {
  importConversion(input: ImportedConversion): Promise<InboundResult>;
}

/** `origin` names where the rows come from in the postback log, e.g. `/api/v1/reconciliations/<id>`. */
export function createConversionImporter(ctx: AppContext, origin: string): ConversionImporter {
  const base = createInboundDeps(ctx, { take: () => true, waitMs: () => 0 });
  const deps = {
    ...base,
    advertisers: {
      // Imports name fields our way, whatever names the advertiser's own postbacks use.
      async resolve(token: string) {
        const advertiser = await base.advertisers.resolve(token);
        return advertiser && { ...advertiser, allowlist: null, fieldNames: undefined };
      },
      resolveNetwork: async () => undefined,
    },
  };
  const pipeline = createInboundPipeline(ctx, deps);
  return {
    importConversion(input) {
      const params = new Map<string, string>([
        ['token', input.advertiserToken],
        ['click_id', input.clickId],
      ]);
      if (input.txnId) params.set('txn_id', input.txnId);
      if (input.amount !== null) params.set('payout', String(input.amount));
      if (input.status) params.set('status', input.status);
      if (input.currency) params.set('currency', input.currency);
      const logged = Object.fromEntries([...params].filter(([name]) => name !== 'token'));
      return pipeline.ingest({
        method: 'IMPORT',
        params,
        source: { ip: null, scheme: 'https' },
        logUrl: origin,
        logHeaders: JSON.stringify({ 'x-trackwire-import': origin }),
        logBody: JSON.stringify(logged),
      });
    },
  };
}
