// Alerts: the inbox (what fired and cleared lately), the rules with their state, and a new-rule form.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { RuleForm } from '../components/alert-rule-form';
import { type Column, DataTable } from '../components/data-table';
import { Badge, Loaded, Page, Time, ui } from '../components/ui';
import { type AlertChannel, type AlertEvent, type AlertRule, RULE_KINDS } from '../lib/alert-types';
import { get } from '../lib/api';

export const eventColumns: Column<AlertEvent>[] = [
  { header: 'When', accessorKey: 'createdAt', cell: (c) => <Time ms={c.row.original.createdAt} /> },
  {
    header: 'Rule',
    cell: (c) => (
      <Link to="/alerts/$ruleId" params={{ ruleId: String(c.row.original.ruleId) }}>
        {c.row.original.ruleName}
      </Link>
    ),
  },
  { header: 'Change', cell: (c) => <Badge status={c.row.original.transition} /> },
  { header: 'What', accessorKey: 'message' },
  {
    header: 'Sent',
    cell: (c) => {
      const n = c.row.original.notified;
      return `${n.filter((a) => a.ok).length} of ${n.length} channels`;
    },
  },
];

const ruleColumns: Column<AlertRule>[] = [
  {
    header: 'Rule',
    accessorKey: 'name',
    cell: (c) => (
      <Link to="/alerts/$ruleId" params={{ ruleId: String(c.row.original.id) }}>
        {c.row.original.name}
      </Link>
    ),
  },
  { header: 'Watches', cell: (c) => RULE_KINDS[c.row.original.kind] },
  {
    header: 'Target',
    cell: (c) => {
      const t = c.row.original.target;
      return t.type === 'all' ? 'Everything' : `${t.type} #${t.id}`;
    },
  },
  { header: 'Window', cell: (c) => `${c.row.original.windowMinutes} min` },
  {
    header: 'State',
    cell: (c) => (c.row.original.enabled ? <Badge status={c.row.original.state} /> : 'Off'),
  },
  { header: 'Last checked', cell: (c) => <Time ms={c.row.original.lastEvaluatedAt} /> },
];

export function AlertsScreen() {
  const queryClient = useQueryClient();
  const events = useQuery({
    queryKey: ['alert-events'],
    queryFn: () => get<{ data: AlertEvent[] }>('/alert-events?limit=20'),
  });
  const rules = useQuery({
    queryKey: ['alert-rules'],
    queryFn: () => get<{ data: AlertRule[] }>('/alert-rules'),
  });
  const channels = useQuery({
    queryKey: ['alert-channels'],
    queryFn: () => get<{ data: AlertChannel[] }>('/alert-channels'),
  });
  return (
    <Page
      title="Alerts"
      lede="Rules watch traffic, conversions and deliveries; each fires once when its condition starts and once when it clears."
      actions={
        <Link to="/alert-channels" className={ui.button}>
          Alert channels
        </Link>
      }
    >
      <h2>Inbox</h2>
      <Loaded query={events} what="Alert history could not be loaded">
        {(page) => (
          <DataTable
            caption="Recent alerts"
            columns={eventColumns}
            data={page.data}
            empty={<p>Nothing has fired yet.</p>}
          />
        )}
      </Loaded>
      <h2>Rules</h2>
      <Loaded query={rules} what="Rules could not be loaded">
        {(page) => (
          <DataTable
            caption="Alert rules"
            columns={ruleColumns}
            data={page.data}
            empty={<p>No rules yet.</p>}
          />
        )}
      </Loaded>
      <Loaded query={channels} what="Channels could not be loaded">
        {(page) => (
          <RuleForm
            channels={page.data}
            onSaved={() => void queryClient.invalidateQueries({ queryKey: ['alert-rules'] })}
          />
        )}
      </Loaded>
    </Page>
  );
}
