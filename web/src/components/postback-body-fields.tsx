// The body of a POST postback: format (JSON or form), the body template with its unknown macros
// marked, and extra headers.
import type { UnknownMacro } from './macro-field';
import { Field, ui } from './ui';

export interface PostbackBody {
  bodyFormat: 'form' | 'json';
  body: string;
  headers: [string, string][];
}

export function radio(name: string, value: string, checked: boolean, onChange: () => void, label: string) {
  return (
    <label className={ui.row} style={{ gap: '0.3rem' }}>
      <input type="radio" name={name} value={value} checked={checked} onChange={onChange} /> {label}
    </label>
  );
}

export function PostbackBodyFields(props: {
  value: PostbackBody;
  onChange: (next: PostbackBody) => void;
  unknown: UnknownMacro[];
  errors: Record<string, string>;
}) {
  const { bodyFormat, body, headers } = props.value;
  const errors = props.errors;
  const unknown = () => props.unknown;
  const setBodyFormat = (f: 'form' | 'json') => props.onChange({ ...props.value, bodyFormat: f });
  const setBody = (b: string) => props.onChange({ ...props.value, body: b });
  const setHeaders = (h: [string, string][]) => props.onChange({ ...props.value, headers: h });
  return (
    <>
      <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className={ui.label}>Body format</legend>
        <div className={ui.row}>
          {radio('format', 'json', bodyFormat === 'json', () => setBodyFormat('json'), 'JSON')}
          {radio('format', 'form', bodyFormat === 'form', () => setBodyFormat('form'), 'Form')}
        </div>
      </fieldset>
      <Field
        label="Body"
        help={
          bodyFormat === 'json'
            ? 'e.g. {"click_id":"{external_id}","payout":"{payout}"}'
            : 'e.g. click_id={external_id}&payout={payout}'
        }
        error={
          errors.bodyTemplate ??
          (unknown().length
            ? `Unknown macro ${unknown()
                .map(
                  (u) =>
                    `${u.macro}${u.suggestion ? ` (did you mean ${u.macro.replace(u.name, u.suggestion)}?)` : ''}`,
                )
                .join(', ')}`
            : null)
        }
      >
        {(fp) => (
          <textarea
            {...fp}
            className={ui.input}
            rows={4}
            value={body}
            onChange={(e) => setBody(e.target.value)}
          />
        )}
      </Field>
      <fieldset className={ui.stack} style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className={ui.label}>Headers</legend>
        {headers.map(([name, value], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
          <div key={i} className={ui.row}>
            <label className={ui.rowField}>
              <span className={ui.help}>Header</span>
              <input
                className={ui.input}
                style={{ maxWidth: '12rem' }}
                aria-label={`Header ${i + 1} name`}
                value={name}
                onChange={(e) => setHeaders(headers.map((h, j) => (j === i ? [e.target.value, h[1]] : h)))}
              />
            </label>
            <label className={ui.rowField}>
              <span className={ui.help}>Value</span>
              <input
                className={ui.input}
                style={{ flex: 1, minWidth: '10rem' }}
                aria-label={`Header ${i + 1} value`}
                value={value}
                onChange={(e) => setHeaders(headers.map((h, j) => (j === i ? [h[0], e.target.value] : h)))}
              />
            </label>
            <button
              type="button"
              className={`${ui.button} ${ui.small}`}
              onClick={() => setHeaders(headers.filter((_, j) => j !== i))}
            >
              Remove header {i + 1}
            </button>
          </div>
        ))}
        {errors.headers && <p className={ui.error}>{errors.headers}</p>}
        <div>
          <button
            type="button"
            className={`${ui.button} ${ui.small}`}
            onClick={() => setHeaders([...headers, ['', '']])}
          >
            Add header
          </button>
        </div>
      </fieldset>
    </>
  );
}
