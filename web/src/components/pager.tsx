// Previous / Next over cursor pages; the cursor and the way back live in the URL (?cursor=&trail=).
import { useNavigate } from '@tanstack/react-router';
import s from './ui.module.css';

const FIRST = '-';

export function Pager(props: { cursor?: string; trail?: string; nextCursor: string | null; count: number }) {
  const navigate = useNavigate();
  const trail = props.trail ? props.trail.split(',') : [];
  // Shared by every list route, each of which validates its own search params.
  const navigateAnywhere = navigate as unknown as (options: {
    to: string;
    search: (prev: Record<string, unknown>) => Record<string, unknown>;
  }) => Promise<void>;
  const go = (cursor: string | undefined, nextTrail: string[]) =>
    navigateAnywhere({
      to: '.',
      search: (prev) => ({ ...prev, cursor, trail: nextTrail.join(',') || undefined }),
    });
  const page = trail.length + 1;
  return (
    <nav aria-label="Pages" className={s.row} style={{ justifyContent: 'space-between' }}>
      <span className={s.help}>
        Page {page} · {props.count} shown
      </span>
      <div className={s.row}>
        <button
          type="button"
          className={s.button}
          disabled={trail.length === 0}
          onClick={() => {
            const previous = trail[trail.length - 1];
            go(previous === FIRST ? undefined : previous, trail.slice(0, -1));
          }}
        >
          Previous
        </button>
        <button
          type="button"
          className={s.button}
          disabled={!props.nextCursor}
          onClick={() => go(props.nextCursor ?? undefined, [...trail, props.cursor ?? FIRST])}
        >
          Next
        </button>
      </div>
    </nav>
  );
}
