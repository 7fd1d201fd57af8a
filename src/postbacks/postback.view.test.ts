import { describe, expect, it } from 'vitest';
import { postbackRow } from '../../test/support/rows.ts';
import { toPostbackView } from './postback.view.ts';

describe('postback view', () => {
  it('never shows enabled beside a held or switched-off state, nor a reason outside held', () => {
    for (const enabled of [0, 1]) {
      for (const state of ['active', 'disabled'] as const) {
        const view = toPostbackView({
          id: 1,
          ...postbackRow({ publisher_id: 1, url: 'https://r.example/p' }),
          enabled,
          state,
          disabled_reason: state === 'disabled' ? 'receiver answered 410 Gone' : null,
          disabled_at: state === 'disabled' ? 1 : null,
        });
        expect(view.enabled).toBe(view.state === 'active');
        expect(view.state).toBe(enabled === 0 ? 'off' : state === 'disabled' ? 'held' : 'active');
        expect(view.disabledReason !== null).toBe(view.state === 'held');
        expect(view.disabledAt !== null).toBe(view.state === 'held');
      }
    }
  });
});
