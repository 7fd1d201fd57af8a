// The overview's alerts box (admins): the rules firing now and the latest fires and clears.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { AlertEvent, AlertRule } from '../lib/alert-types';
import { get } from '../lib/api';
import { Badge, Time, ui } from './ui';

export function AlertsInbox() {
  const rules = useQuery({
    queryKey: ['alert-rules'],
    queryFn: () => get<{ data: AlertRule[] }>('/alert-rules'),
  });
  const events = useQuery({
    queryKey: ['alert-events', 'latest'],
    queryFn: () => get<{ data: AlertEvent[] }>('/alert-events?limit=5'),
  });
  // Quiet until alerts are set up: no rule, no box.
  if (!rules.data?.data.length) return null;
  const firing = rules.data.data.filter((r) => r.enabled && r.state === 'firing');
  return (
    <section className={ui.stack} aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <p className={`${ui.banner} ${firing.length ? ui.bannerError : ui.bannerOk}`} style={{ margin: 0 }}>
        {firing.length === 0 ? 'No alert is firing.' : `Firing now: ${firing.map((r) => r.name).join(', ')}.`}{' '}
        <Link to="/alerts">All alerts</Link>
      </p>
      {events.data && events.data.data.length > 0 && (
        <ul className={ui.stack} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {events.data.data.map((e) => (
            <li key={e.id}>
              <Time ms={e.createdAt} /> <Badge status={e.transition} />{' '}
              <Link to="/alerts/$ruleId" params={{ ruleId: String(e.ruleId) }}>
                {e.ruleName}
              </Link>
              : {e.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
