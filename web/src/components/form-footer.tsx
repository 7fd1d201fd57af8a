// The end of a create form: its error line (announced) and its submit button.
import { ui } from './ui';

export function FormFooter(props: { error: string | null; label: string; pending: boolean }) {
  return (
    <>
      {props.error && (
        <p className={ui.error} role="alert">
          {props.error}
        </p>
      )}
      <div>
        <button type="submit" className={`${ui.button} ${ui.primary}`} disabled={props.pending}>
          {props.label}
        </button>
      </div>
    </>
  );
}
