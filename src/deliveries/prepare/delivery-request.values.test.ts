import { describe, expect, it } from 'vitest';
import { type DeliveryContext, deliveryMacroValues } from './delivery-request.ts';

// A hand-built context: deliveryMacroValues reads rows already loaded, never the database.
function context(click: Record<string, unknown> | undefined): DeliveryContext {
  return {
    delivery: { id: 'dlv_1' },
    postback: {},
    conversion: {
      id: 'cnv_1',
      offer_id: 7,
      advertiser_id: 8,
      publisher_id: 9,
      link_id: 10,
      click_id: 'clk_from_conversion',
      txn_id: 'T-1',
      goal: 'default',
      status_raw: 'raw-conv',
      revenue: 2,
      sale_amount: null,
      currency: 'USD',
    },
    event: { to_status: 'approved', status_raw: null, payout: 0.5, created_at: 1_700_000_000_000 },
    click,
    offer: { name: 'Offer' },
    publisher: { security_token: 'tok' },
    goalId: null,
  } as unknown as DeliveryContext;
}

describe('deliveryMacroValues', () => {
  it('lets the conversion override what the click says, and keeps the click-only values', () => {
    const values = deliveryMacroValues(
      context({ id: 'clk_row', offer_id: 1, publisher_id: 2, link_id: 3, sub1: 's1', created_at: 0 }),
    );
    expect(values).toMatchObject({
      offer_id: '7',
      publisher_id: '9',
      link_id: '10',
      click_id: 'clk_from_conversion',
      sub1: 's1',
      click_timestamp: '0',
      payout: '0.50',
      status: 'approved',
      status_raw: 'raw-conv',
      postback_id: 'dlv_1',
    });
  });

  it('renders without a click (retention removed it) and gives each call its own object', () => {
    const a = deliveryMacroValues(context(undefined));
    const b = deliveryMacroValues(context(undefined));
    expect(a.sub1).toBeUndefined();
    expect(a.offer_name).toBe('Offer');
    expect(a).not.toBe(b);
    expect(a.random).not.toBe(b.random);
  });
});
