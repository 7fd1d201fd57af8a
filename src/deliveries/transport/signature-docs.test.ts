// Runs the {signature} verifier the README gives receivers against a request the worker really
// delivered, so the documented computation cannot drift from the code.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  type Receiver,
  seedDeliveries,
  startReceiver,
  workerContext,
} from '../../../test/support/receiver.ts';
import { describeEachStore } from '../../../test/support/stores.ts';
import { type DeliveryWorker, startDeliveryWorker } from '../worker/delivery-worker.ts';

type Verifier = (fullUrl: string, param: string, secret: string) => boolean;

function documentedVerifier(): Verifier {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const block = /<!-- signature-verifier -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README has no signature-verifier block');
  const run = new Function('require', `${block}\nreturn verifyTrackwireSignature;`);
  return run(createRequire(import.meta.url)) as Verifier;
}

describeEachStore('the documented {signature} check', (current) => {
  const db = () => current().store.db;
  let receiver: Receiver;
  let worker: DeliveryWorker | undefined;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await worker?.stop();
    await receiver.close();
  });

  it('accepts the URL the worker delivered and refuses it once any byte changes', async () => {
    const verify = documentedVerifier();
    const seeded = await seedDeliveries(db(), receiver.url, 1, {
      postback: { url: `${receiver.url}/pb?pid={postback_id}&sig={signature}&sub={sub1}&payout={payout}` },
    });
    const { signing_secret: secret } = await db()
      .selectFrom('publishers')
      .select('signing_secret')
      .where('id', '=', seeded.publisherId)
      .executeTakeFirstOrThrow();
    worker = startDeliveryWorker(workerContext(current().store), { pollMs: 50 });
    await worker.drained();

    const hit = receiver.hits.find((h) => h.deliveryId === seeded.deliveryIds[0]);
    if (!hit) throw new Error('nothing delivered');
    const fullUrl = `${receiver.url}${hit.url}`;
    expect(new URL(fullUrl).searchParams.get('sig')).toMatch(/^[0-9a-f]{64}$/);
    expect(verify(fullUrl, 'sig', secret)).toBe(true);
    expect(verify(fullUrl.replace('payout=', 'payout=9'), 'sig', secret)).toBe(false);
    expect(verify(fullUrl, 'sig', `${secret}x`)).toBe(false);
  });
});
