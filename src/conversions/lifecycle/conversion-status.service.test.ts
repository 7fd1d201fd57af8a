import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import {
  createInboundCatalog,
  type InboundCatalog,
  query,
  send,
} from '../../../test/support/inbound-fixtures.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { ManualClock } from '../../shared/clock.ts';
import { AppError } from '../../shared/errors.ts';
import { changeConversionStatus } from './conversion-status.service.ts';

describeEachStore('changeConversionStatus', (current) => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  let app: TestApp;
  let catalog: InboundCatalog;
  const db = () => current().store.db;

  async function pendingConversion(): Promise<string> {
    const clickId = await catalog.click(clock.now());
    const answer = await send(
      `${app.url}/postback?${query({ token: catalog.token, click_id: clickId, status: 'pending' })}`,
    );
    return answer.body.conversionId as string;
  }
  const events = (id: string) =>
    db().selectFrom('conversion_events').selectAll().where('conversion_id', '=', id).orderBy('id').execute();

  beforeAll(async () => {
    app = await startTestApp(current().store, {}, clock);
    catalog = await createInboundCatalog(db(), clock.now());
  });
  afterAll(async () => {
    await app.close();
  });

  it('moves a conversion and records a manual event with the reason', async () => {
    const id = await pendingConversion();
    clock.advance(1000);
    const approved = await changeConversionStatus(app.ctx, {
      conversionId: id,
      status: 'approved',
      reason: 'checked by hand',
    });
    expect(approved).toMatchObject({ id, status: 'approved', updated_at: clock.now() });
    const reversed = await changeConversionStatus(app.ctx, {
      conversionId: id,
      status: 'reversed',
      reason: 'refund',
    });
    expect(reversed.status).toBe('reversed');
    expect((await events(id)).map((e) => [e.from_status, e.to_status, e.source, e.reason])).toEqual([
      [null, 'pending', 'postback', null],
      ['pending', 'approved', 'manual', 'checked by hand'],
      ['approved', 'reversed', 'manual', 'refund'],
    ]);
  });

  it('asking for the current status changes nothing', async () => {
    const id = await pendingConversion();
    const same = await changeConversionStatus(app.ctx, {
      conversionId: id,
      status: 'pending',
      reason: 'again',
    });
    expect(same.status).toBe('pending');
    expect(await events(id)).toHaveLength(1);
  });

  it('refuses illegal transitions and unknown conversions with AppErrors', async () => {
    const id = await pendingConversion();
    const illegal = changeConversionStatus(app.ctx, { conversionId: id, status: 'reversed', reason: 'x' });
    await expect(illegal).rejects.toBeInstanceOf(AppError);
    await expect(illegal).rejects.toMatchObject({ code: 'illegal_transition' });
    await expect(
      changeConversionStatus(app.ctx, { conversionId: 'cv_missing', status: 'approved', reason: 'x' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await events(id)).toHaveLength(1);
  });

  it('a later postback continues from the manual status', async () => {
    const clickId = await catalog.click(clock.now());
    const base = { token: catalog.token, click_id: clickId, txn_id: 'manual-then-postback' };
    const first = await send(`${app.url}/postback?${query({ ...base, status: 'pending' })}`);
    await changeConversionStatus(app.ctx, {
      conversionId: first.body.conversionId as string,
      status: 'approved',
      reason: 'ok',
    });
    const answer = await send(`${app.url}/postback?${query({ ...base, status: 'reversal' })}`);
    expect(answer.body).toMatchObject({ code: 'status_changed', status: 'reversed' });
  });
});
