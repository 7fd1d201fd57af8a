import pino from 'pino';
import { beforeEach, expect, it } from 'vitest';
import { deliveryRows, seedDeliveries } from '../../test/support/receiver.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { type EndpointOutcome, type HealthPolicy, recordEndpointHealth } from './endpoint-health.ts';

const T0 = Date.UTC(2026, 0, 1);
const POLICY: HealthPolicy = { failingNoticeAfter: 2, disableAfterFailures: 5, disableAfterSilenceMs: 1_000 };

describeEachStore('endpoint health', (current) => {
  const db = () => current().store.db;
  let notices: Array<{ event?: string; postbackId?: number; reason?: string }>;
  const log = () => pino({ level: 'info' }, { write: (line: string) => notices.push(JSON.parse(line)) });
  const events = () => notices.map((n) => n.event).filter(Boolean);
  const postbackOf = (id: number) =>
    db().selectFrom('postbacks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const outcome = (postbackId: number, ok: boolean, at: number): EndpointOutcome => ({
    postbackId,
    ok,
    gone: false,
    at,
  });

  beforeEach(() => {
    notices = [];
  });

  it('disables after a long streak with no success for the silence window, and holds its work', async () => {
    const seeded = await seedDeliveries(db(), 'http://127.0.0.1:9', 2, { now: T0 });
    const fails = Array.from({ length: 4 }, (_, i) => outcome(seeded.postbackId, false, T0 + 2_000 + i));
    let disabled = await recordEndpointHealth(db(), fails, T0 + 2_003, POLICY, log());
    expect(disabled.size).toBe(0);
    expect(await postbackOf(seeded.postbackId)).toMatchObject({ state: 'active', failure_streak: 4 });
    expect(events()).toEqual(['endpoint.failing']);
    disabled = await recordEndpointHealth(
      db(),
      [outcome(seeded.postbackId, false, T0 + 2_010)],
      T0 + 2_010,
      POLICY,
      log(),
    );
    expect([...disabled]).toEqual([seeded.postbackId]);
    expect(await postbackOf(seeded.postbackId)).toMatchObject({
      state: 'disabled',
      failure_streak: 5,
      disabled_at: T0 + 2_010,
      last_failure_at: T0 + 2_010,
    });
    expect(events()).toEqual(['endpoint.failing', 'endpoint.disabled']);
    expect((await deliveryRows(db(), seeded.deliveryIds)).map((r) => r.status)).toEqual(['held', 'held']);
  });

  it('never disables on sporadic failures, and a recent success keeps a long streak alive', async () => {
    const seeded = await seedDeliveries(db(), 'http://127.0.0.1:9', 1, { now: T0 });
    const id = seeded.postbackId;
    for (let i = 0; i < 20; i++) {
      await recordEndpointHealth(
        db(),
        [outcome(id, i % 2 === 1, T0 + 5_000 + i)],
        T0 + 5_000 + i,
        POLICY,
        log(),
      );
    }
    expect(await postbackOf(id)).toMatchObject({
      state: 'active',
      failure_streak: 0,
      last_success_at: T0 + 5_019,
    });
    // Ten failures in a row, but the last success is younger than the silence window.
    const burst = Array.from({ length: 10 }, (_, i) => outcome(id, false, T0 + 5_100 + i));
    const disabled = await recordEndpointHealth(db(), burst, T0 + 5_200, POLICY, log());
    expect(disabled.size).toBe(0);
    expect(await postbackOf(id)).toMatchObject({ state: 'active', failure_streak: 10 });
    await recordEndpointHealth(db(), [outcome(id, true, T0 + 5_300)], T0 + 5_300, POLICY, log());
    expect(await postbackOf(id)).toMatchObject({ failure_streak: 0, last_success_at: T0 + 5_300 });
    expect(events()).toEqual(['endpoint.failing', 'endpoint.recovered']);
  });

  it('disables at once on 410 Gone', async () => {
    const seeded = await seedDeliveries(db(), 'http://127.0.0.1:9', 1, { now: T0 });
    const gone = { postbackId: seeded.postbackId, ok: false, gone: true, at: T0 + 1 };
    const disabled = await recordEndpointHealth(db(), [gone], T0 + 1, POLICY, log());
    expect([...disabled]).toEqual([seeded.postbackId]);
    expect(await postbackOf(seeded.postbackId)).toMatchObject({
      state: 'disabled',
      disabled_reason: 'receiver answered 410 Gone',
    });
  });
});
