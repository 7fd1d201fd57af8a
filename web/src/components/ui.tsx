// Small building blocks every screen uses: page frame, labelled fields, copy buttons, badges,
// loading and error states with a retry.
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { plainMessage } from '../lib/api';
import { formatTime, utcTime } from '../lib/format';
import s from './ui.module.css';

export { s as ui };

export function Page(props: { title: string; lede?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${props.title} · Trackwire`;
  }, [props.title]);
  return (
    <div className={s.page}>
      <div className={s.pageHead}>
        <div>
          <h1>{props.title}</h1>
          {props.lede && <p className={s.lede}>{props.lede}</p>}
        </div>
        {props.actions && <div className={s.row}>{props.actions}</div>}
      </div>
      {props.children}
    </div>
  );
}

export interface FieldControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}

/** A field's help, error and warning lines, with the ids its control's aria-describedby names. */
export function FieldMessages(props: {
  id: string;
  help?: ReactNode;
  error?: string | null;
  warning?: string | null;
}) {
  const { id } = props;
  return (
    <>
      {props.help && (
        <p className={s.help} id={`${id}-help`}>
          {props.help}
        </p>
      )}
      {props.error && (
        <p className={s.error} id={`${id}-error`}>
          {props.error}
        </p>
      )}
      {props.warning && (
        <p className={s.warning} id={`${id}-warn`}>
          {props.warning}
        </p>
      )}
    </>
  );
}

export function Field(props: {
  label: string;
  help?: ReactNode;
  error?: string | null;
  warning?: string | null;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const described = [props.help && `${id}-help`, props.error && `${id}-error`, props.warning && `${id}-warn`]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={s.field}>
      <label className={s.label} htmlFor={id}>
        {props.label}
      </label>
      {props.children({
        id,
        'aria-describedby': described || undefined,
        'aria-invalid': props.error ? true : undefined,
      })}
      <FieldMessages id={id} help={props.help} error={props.error} warning={props.warning} />
    </div>
  );
}

export function CopyButton(props: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<number>(undefined);
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.text);
    } catch {
      // Clipboard API refused (insecure context): fall back to a hidden textarea.
      const area = document.createElement('textarea');
      area.value = props.text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setCopied(false), 1500);
  }
  return (
    <button
      type="button"
      className={`${s.button} ${s.small}`}
      onClick={copy}
      aria-label={props.label ?? 'Copy'}
    >
      <span aria-live="polite">{copied ? 'Copied' : 'Copy'}</span>
    </button>
  );
}

export function UrlBox(props: { url: string; label: string }) {
  return (
    <div className={s.urlBox}>
      <code>{props.url}</code>
      <CopyButton text={props.url} label={`Copy ${props.label.toLowerCase()}`} />
    </div>
  );
}

export function Badge(props: { status: string }) {
  return <span className={`${s.badge} ${s[`badge_${props.status}`] ?? ''}`}>{props.status}</span>;
}

export function Time(props: { ms: number | null | undefined }) {
  if (!props.ms) return <span>—</span>;
  return (
    <time dateTime={new Date(props.ms).toISOString()} title={utcTime(props.ms)}>
      {formatTime(props.ms)}
    </time>
  );
}

export function ErrorBanner(props: { error: unknown; onRetry?: () => void; what?: string }) {
  return (
    <div className={`${s.banner} ${s.bannerError}`} role="alert">
      <p style={{ margin: 0 }}>
        {props.what ? `${props.what}: ` : ''}
        {plainMessage(props.error)}
      </p>
      {props.onRetry && (
        <button
          type="button"
          className={`${s.button} ${s.small}`}
          style={{ marginTop: '0.5rem' }}
          onClick={props.onRetry}
        >
          Retry
        </button>
      )}
    </div>
  );
}

export function Skeleton(props: { lines?: number }) {
  return (
    <div role="status" aria-busy="true" aria-label="Loading">
      {Array.from({ length: props.lines ?? 4 }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={i} className={s.skeleton} style={{ width: `${90 - i * 12}%` }} />
      ))}
    </div>
  );
}

/** Loading → skeleton, failure → message with retry, else the content. */
export function Loaded<T>(props: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  what?: string;
  children: (data: T) => ReactNode;
}) {
  if (props.query.error)
    return <ErrorBanner error={props.query.error} what={props.what} onRetry={() => props.query.refetch()} />;
  if (props.query.isPending || props.query.data === undefined) return <Skeleton />;
  return <>{props.children(props.query.data)}</>;
}

/** A table's horizontal scroller, reachable by keyboard (Tab, then arrow keys) when it overflows. */
export function TableWrap(props: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to scroll by keyboard
    <section className={s.tableWrap} tabIndex={0} aria-label={props.label}>
      {props.children}
    </section>
  );
}
