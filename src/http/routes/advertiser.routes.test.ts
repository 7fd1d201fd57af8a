import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiClient, type Call } from '../../../test/support/api-client.ts';
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from '../../../test/support/app.ts';
import { describeEachStore } from '../../../test/support/stores.ts';

describeEachStore('advertisers API', (current) => {
  let t: TestApp;
  let admin: Call;
  let changes = 0;
  beforeAll(async () => {
    t = await startTestApp(current().store, { publicUrl: 'https://track.example.com' });
    admin = apiClient(t.url, TEST_ADMIN_KEY);
    t.ctx.events.on('catalog.changed', () => changes++);
  });
  afterAll(() => t.close());

  it('creates an advertiser with its postback URL, token, allow-list and status map', async () => {
    const before = changes;
    const reply = await admin('POST', '/advertisers', {
      name: ' Acme ',
      ipAllowlist: ['203.0.113.0/24', '2001:db8::1'],
      statusMap: { hold: 'pending', Paid: 'approved' },
    });
    expect(reply.status).toBe(201);
    const a = reply.body;
    expect(a).toMatchObject({
      name: 'Acme',
      ipAllowlist: ['203.0.113.0/24', '2001:db8::1'],
      statusMap: { hold: 'pending', Paid: 'approved' },
    });
    expect(a.postbackToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(a.postbackUrl).toBe(`https://track.example.com/postback/${a.postbackToken}`);
    expect(a.postbackUrlTemplate).toBe(
      `${a.postbackUrl}?click_id={click_id}&payout={payout}&txn_id={txn_id}&status={status}`,
    );
    expect(changes).toBe(before + 1);
    expect((await admin('GET', `/advertisers/${a.id}`)).body).toEqual(a);
  });

  it('rejects a bad CIDR naming the entry, and an unknown canonical status naming the field', async () => {
    const cidr = await admin('POST', '/advertisers', {
      name: 'Bad',
      ipAllowlist: ['10.0.0.0/8', '10.0.0.300/8'],
    });
    expect(cidr.status).toBe(400);
    expect(cidr.body.error).toMatchObject({ code: 'validation_failed' });
    expect(cidr.body.error.message).toContain('ipAllowlist');
    expect(cidr.body.error.message).toContain('10.0.0.300/8');
    const status = await admin('POST', '/advertisers', { name: 'Bad', statusMap: { hold: 'paid' } });
    expect(status.status).toBe(400);
    expect(status.body.error.message).toContain('statusMap');
    const a = (await admin('POST', '/advertisers', { name: 'Patch target' })).body;
    const patch = await admin('PATCH', `/advertisers/${a.id}`, { ipAllowlist: ['1.2.3.4/40'] });
    expect(patch.status).toBe(400);
    expect(patch.body.error.message).toContain('1.2.3.4/40');
    expect((await admin('GET', `/advertisers/${a.id}`)).body.ipAllowlist).toEqual([]);
  });

  it('updates, rotates the token (the old one is gone) and deletes, emitting catalog.changed each time', async () => {
    const a = (await admin('POST', '/advertisers', { name: 'Rotate me' })).body;
    let before = changes;
    const patched = await admin('PATCH', `/advertisers/${a.id}`, {
      name: 'Renamed',
      ipAllowlist: ['198.51.100.7'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Renamed',
      ipAllowlist: ['198.51.100.7'],
      postbackToken: a.postbackToken,
    });
    expect(changes).toBe(before + 1);

    before = changes;
    const rotated = await admin('POST', `/advertisers/${a.id}/rotate-token`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.postbackToken).not.toBe(a.postbackToken);
    expect(rotated.body.postbackUrl).toContain(rotated.body.postbackToken);
    expect(changes).toBe(before + 1);

    before = changes;
    expect((await admin('DELETE', `/advertisers/${a.id}`)).status).toBe(204);
    expect(changes).toBe(before + 1);
    expect((await admin('GET', `/advertisers/${a.id}`)).status).toBe(404);
    expect((await admin('DELETE', `/advertisers/${a.id}`)).status).toBe(404);
    expect((await admin('POST', `/advertisers/${a.id}/rotate-token`)).status).toBe(404);
  });

  it('refuses to delete an advertiser that still has offers (409)', async () => {
    const a = (await admin('POST', '/advertisers', { name: 'With offer' })).body;
    const o = (await admin('POST', '/offers', { advertiserId: a.id, name: 'O', url: 'https://x.test/' }))
      .body;
    const reply = await admin('DELETE', `/advertisers/${a.id}`);
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('conflict');
    expect((await admin('DELETE', `/offers/${o.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/advertisers/${a.id}`)).status).toBe(204);
  });

  it('pages through the list with limit and cursor, in creation order', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await admin('POST', '/advertisers', { name: `Page ${i}` })).body.id);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const reply: { body: { data: Array<{ id: number }>; nextCursor: string | null } } = await admin(
        'GET',
        `/advertisers?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(reply.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...reply.body.data.map((a) => a.id));
      cursor = reply.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of ids) expect(seen).toContain(id);
  });
});
