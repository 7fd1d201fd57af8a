// One alert rule: its state, its settings (changeable) and its history (every fire and clear, and who got it).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { RuleForm } from '../components/alert-rule-form';
import { DataTable } from '../components/data-table';
import { ConfirmButton, Switch } from '../components/dialogs';
import { Badge, Loaded, Page, Time, ui } from '../components/ui';
import { type AlertChannel, type AlertEvent, type AlertRule, RULE_KINDS } from '../lib/alert-types';
import { api, get } from '../lib/api';
import { eventColumns } from './alerts';

const route = getRouteApi('/app/alerts/$ruleId');

export function AlertRuleScreen() {
  const { ruleId } = route.useParams();
  const queryClient = useQueryClient();
  const rule = useQuery({
    queryKey: ['alert-rules', ruleId],
    queryFn: () => get<AlertRule>(`/alert-rules/${ruleId}`),
  });
  const events = useQuery({
    queryKey: ['alert-events', ruleId],
    queryFn: () => get<{ data: AlertEvent[] }>(`/alert-rules/${ruleId}/events?limit=200`),
  });
  const channels = useQuery({
    queryKey: ['alert-channels'],
    queryFn: () => get<{ data: AlertChannel[] }>('/alert-channels'),
  });
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => api('DELETE', `/alert-rules/${ruleId}`),
    // Leave first: refetching this page's queries would ask for the rule just deleted.
    onSuccess: async () => {
      await navigate({ to: '/alerts' });
      queryClient.removeQueries({ queryKey: ['alert-rules', ruleId] });
      queryClient.removeQueries({ queryKey: ['alert-events', ruleId] });
      await queryClient.invalidateQueries({ queryKey: ['alert-rules'] });
      await queryClient.invalidateQueries({ queryKey: ['alert-events'] });
    },
  });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api('PATCH', `/alert-rules/${ruleId}`, { enabled }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['alert-rules'] }),
  });
  return (
    <Loaded query={rule} what="Rule could not be loaded">
      {(r) => (
        <Page
          title={r.name}
          lede={RULE_KINDS[r.kind]}
          actions={
            <ConfirmButton
              label="Delete rule"
              title="Delete this rule?"
              description="It stops being watched, and its history is deleted with it."
              confirmLabel="Delete rule"
              danger
              onConfirm={() => remove.mutate()}
            />
          }
        >
          <dl className={`${ui.card} ${ui.dl}`}>
            <dt>State</dt>
            <dd>
              <Badge status={r.state} /> since <Time ms={r.stateSince} />
            </dd>
            <dt>Target</dt>
            <dd>{r.target.type === 'all' ? 'Everything' : `${r.target.type} #${r.target.id}`}</dd>
            <dt>Thresholds</dt>
            <dd className={ui.mono}>{JSON.stringify(r.params)}</dd>
            <dt>Window · cooldown</dt>
            <dd>
              {r.windowMinutes} min · {r.cooldownMinutes} min
            </dd>
            <dt>Last value</dt>
            <dd>{r.lastValue ?? '—'}</dd>
            <dt>Last checked</dt>
            <dd>
              <Time ms={r.lastEvaluatedAt} />
            </dd>
          </dl>
          <Switch label="Rule enabled" checked={r.enabled} onChange={(on) => toggle.mutate(on)} />
          <Loaded query={channels} what="Channels could not be loaded">
            {(page) => (
              <RuleForm
                channels={page.data}
                rule={r}
                onSaved={() => void queryClient.invalidateQueries({ queryKey: ['alert-rules'] })}
              />
            )}
          </Loaded>
          <h2>History</h2>
          <Loaded query={events} what="History could not be loaded">
            {(page) => (
              <DataTable
                caption="Rule history"
                columns={eventColumns}
                data={page.data}
                empty={<p>It has not fired yet.</p>}
              />
            )}
          </Loaded>
        </Page>
      )}
    </Loaded>
  );
}
