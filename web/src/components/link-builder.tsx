// The tracking link of Links & Promotion: Sub ID 1…10 update it as you type, copy and open it;
// hints for the publisher's own click id (cid=) and for capturing an ad platform's click id.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, plainMessage } from '../lib/api';
import type { Link as TrackingLink } from '../lib/types';
import { Field, UrlBox, ui } from './ui';

const SUB_HINTS: Record<number, string> = {
  1: 'Traffic source (e.g. instagram)',
  2: 'Content type (e.g. story, post, bio)',
  3: 'Campaign name (e.g. summerlaunch)',
};

const PLATFORMS: Record<string, { label: string; macro?: string; note: string }> = {
  gclid: {
    label: 'Google Ads (gclid)',
    macro: '{gclid}',
    note: 'Google fills {gclid} when auto-tagging is on.',
  },
  ttclid: {
    label: 'TikTok (ttclid)',
    macro: '__CLICKID__',
    note: 'TikTok fills __CLICKID__ with the ttclid.',
  },
  fbclid: {
    label: 'Meta (fbclid)',
    note: 'Meta adds fbclid to every link by itself; Trackwire records it and passes it on as {fbclid}.',
  },
};

/** The link with its sub ids; macros of ad platforms ({gclid}) stay readable for the ad platform to fill. */
export function withParams(url: string, params: [string, string][]): string {
  const filled = params.filter(([, v]) => v !== '');
  if (filled.length === 0) return url;
  const encode = (v: string) => encodeURIComponent(v).replace(/%7B/g, '{').replace(/%7D/g, '}');
  return `${url}${url.includes('?') ? '&' : '?'}${filled.map(([k, v]) => `${k}=${encode(v)}`).join('&')}`;
}

export function LinkBuilder(props: { link: TrackingLink; canSaveDefaults: boolean }) {
  const queryClient = useQueryClient();
  const [showSubs, setShowSubs] = useState(Object.keys(props.link.subs).length > 0);
  const [subs, setSubs] = useState<string[]>(
    Array.from({ length: 10 }, (_, i) => props.link.subs[`sub${i + 1}`] ?? ''),
  );
  const [cid, setCid] = useState('');
  const [platform, setPlatform] = useState('');
  const [slot, setSlot] = useState('1');
  const saveDefaults = useMutation({
    mutationFn: () =>
      api<TrackingLink>('PATCH', `/links/${props.link.id}`, {
        subs: Object.fromEntries(
          subs.map((v, i) => [`sub${i + 1}`, v] as [string, string]).filter(([, v]) => v),
        ),
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['links'] }),
  });
  const url = withParams(props.link.url, [
    ...subs.map((v, i) => [`sub${i + 1}`, v] as [string, string]),
    ['cid', cid],
  ]);
  const platformInfo = platform ? PLATFORMS[platform] : undefined;
  return (
    <section className={`${ui.card} ${ui.stack}`} aria-labelledby="link-title">
      <h2 id="link-title">Your tracking link</h2>
      <UrlBox url={url} label="Tracking link" />
      <div className={ui.row}>
        <a className={ui.button} href={url} target="_blank" rel="noreferrer">
          Open link
        </a>
        <button
          type="button"
          className={ui.button}
          aria-expanded={showSubs}
          onClick={() => setShowSubs(!showSubs)}
        >
          {showSubs ? 'Hide Sub IDs' : 'Add Sub IDs'}
        </button>
      </div>
      {showSubs && (
        <>
          <p className={ui.help}>
            Sub IDs break your traffic down by source, content or campaign; they come back in your postbacks
            as <code>{'{sub1}'}</code>…<code>{'{sub10}'}</code>. The link above updates as you type.
          </p>
          <div className={ui.formGrid}>
            {subs.map((value, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: ten fixed slots
              <Field key={i} label={`Sub ID ${i + 1}`} help={SUB_HINTS[i + 1]}>
                {(p) => (
                  <input
                    {...p}
                    className={ui.input}
                    value={value}
                    onChange={(e) => setSubs(subs.map((s, j) => (j === i ? e.target.value : s)))}
                  />
                )}
              </Field>
            ))}
          </div>
          {props.canSaveDefaults && (
            <div className={ui.row}>
              <button type="button" className={ui.button} onClick={() => saveDefaults.mutate()}>
                Save as the link's default Sub IDs
              </button>
              {saveDefaults.isSuccess && <span role="status">Saved.</span>}
              {saveDefaults.error && <span className={ui.error}>{plainMessage(saveDefaults.error)}</span>}
            </div>
          )}
        </>
      )}
      <h3>Your own click id</h3>
      <Field
        label="Your click id (cid)"
        help="Pass your tracker's click id as cid= (clickid, click_id and external_id work too); it comes back in postbacks as {external_id}. Put your tracker's macro here, e.g. {clickid}."
      >
        {(p) => <input {...p} className={ui.input} value={cid} onChange={(e) => setCid(e.target.value)} />}
      </Field>
      <h3>Ad platform click id</h3>
      <div className={ui.formGrid}>
        <Field label="Capture the click id of">
          {(p) => (
            <select
              {...p}
              className={ui.input}
              value={platform}
              onChange={(e) => {
                const next = e.target.value;
                setPlatform(next);
                const macro = PLATFORMS[next]?.macro;
                if (macro) setSubs(subs.map((s, j) => (j === Number(slot) - 1 ? macro : s)));
                if (macro) setShowSubs(true);
              }}
            >
              <option value="">No ad platform</option>
              {Object.entries(PLATFORMS).map(([key, p]) => (
                <option key={key} value={key}>
                  {p.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Into Sub ID">
          {(p) => (
            <select {...p} className={ui.input} value={slot} onChange={(e) => setSlot(e.target.value)}>
              {Array.from({ length: 10 }, (_, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: ten fixed slots
                <option key={i} value={i + 1}>
                  Sub ID {i + 1}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <p className={ui.help}>
        {platformInfo
          ? `${platformInfo.note} Then send it back with {sub${slot}} in your postback URL.`
          : 'Trackwire records gclid, fbclid and ttclid from every click by itself; capturing one into a Sub ID keeps your postback mapping the same across ad accounts.'}
      </p>
    </section>
  );
}
