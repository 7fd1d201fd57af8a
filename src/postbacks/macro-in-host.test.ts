import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, unique } from '../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../test/support/app.ts';
import { deliveryRows, seedDeliveries, startReceiver, workerContext } from '../../test/support/receiver.ts';
import { describeEachStore } from '../../test/support/stores.ts';
import { startDeliveryWorker } from '../deliveries/worker/delivery-worker.ts';
import { compileTemplate } from '../macros/template.ts';

describe('macros in the authority of a URL template', () => {
  it('finds macros in the scheme, user info, host and port, and none after them', () => {
    const authority = (url: string) => compileTemplate(url).authorityMacros;
    expect(authority('https://{sub1}.evil.test/pb')).toEqual(['{sub1}']);
    expect(authority('https://pub.test:{sub2}/pb')).toEqual(['{sub2}']);
    expect(authority('https://{sub3}@pub.test/pb')).toEqual(['{sub3}']);
    expect(authority('{sub4}://pub.test/pb')).toEqual(['{sub4}']);
    expect(authority('https://pub.test#sub5#')).toEqual(['{sub5}']);
    expect(authority('https://pub.test[[external_id]]?a=1')).toEqual(['{external_id}']);
    expect(authority('https://pub.test/{sub1}/x?c={click_id}#{sub2}')).toEqual([]);
    expect(authority('https://pub.test?c={click_id}')).toEqual([]);
    expect(authority('https://pub.test#{sub1}')).toEqual([]);
    // Unknown names render as written, so they cannot steer the host (saving reports them anyway).
    expect(authority('https://{nope}.test/')).toEqual([]);
  });
});

describeEachStore('a macro in the host of a postback URL', (current) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(current().store);
  });
  afterAll(() => t.close());

  it('is refused when the postback is saved, with macro_in_host naming the macro', async () => {
    const admin = apiClient(t.url, TEST_ADMIN_KEY);
    const pub = await admin('POST', '/publishers', { name: unique('pub') });
    for (const url of ['https://{sub1}/pb', 'https://pub.test.{sub1}/pb', 'https://pub.test:{sub1}/pb']) {
      const saved = await admin('POST', '/postbacks', { publisherId: pub.body.id, url });
      expect(saved.status, url).toBe(422);
      expect(saved.body.error).toMatchObject({
        code: 'macro_in_host',
        details: { field: 'url', macros: ['{sub1}'] },
      });
    }
    const ok = await admin('POST', '/postbacks', {
      publisherId: pub.body.id,
      url: 'https://pub.test/{sub1}?c={click_id}',
    });
    expect(ok.status).toBe(201);
    const patched = await admin('PATCH', `/postbacks/${ok.body.id}`, { url: 'https://{sub2}.pub.test/' });
    expect(patched.status).toBe(422);
    expect(patched.body.error.code).toBe('macro_in_host');
  });

  it('is never sent when a row saved before the rule has one: the delivery fails unsent', async () => {
    const receiver = await startReceiver();
    try {
      // Empty {sub1} renders the receiver's own address, so only the guard keeps this from arriving.
      const host = new URL(receiver.url).host;
      const seeded = await seedDeliveries(current().store.db, receiver.url, 2, {
        postback: { url: `http://${host.replace(':', '{sub1}:')}/pb?pid={postback_id}` },
      });
      const worker = startDeliveryWorker(workerContext(current().store), { pollMs: 50 });
      await worker.drained();
      await worker.stop();
      const rows = await deliveryRows(current().store.db, seeded.deliveryIds);
      expect(rows.map((r) => r.status)).toEqual(['failed', 'failed']);
      expect(rows[0].last_error).toContain('{sub1}');
      expect(receiver.hits).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
