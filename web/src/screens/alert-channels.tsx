// Alert channels: where alerts go (signed webhook, Slack, Telegram, email), each with "Send test".
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Column, DataTable } from '../components/data-table';
import { ConfirmButton } from '../components/dialogs';
import { FormFooter } from '../components/form-footer';
import { Field, Loaded, Page, UrlBox, ui } from '../components/ui';
import type { AlertChannel, ChannelKind, ChannelTestAnswer } from '../lib/alert-types';
import { api, get, plainMessage } from '../lib/api';

const KINDS: Record<ChannelKind, string> = {
  webhook: 'Signed webhook',
  slack: 'Slack incoming webhook',
  telegram: 'Telegram bot',
  email: 'Email',
};

function destination(c: AlertChannel): string {
  if (c.kind === 'telegram') return `chat ${c.chatId}`;
  if (c.kind === 'email') return c.to ?? '';
  return c.url ?? '';
}

function ChannelForm(props: { onCreated: (secret?: string) => void }) {
  const [kind, setKind] = useState<ChannelKind>('slack');
  const [values, setValues] = useState({ name: '', url: '', botToken: '', chatId: '', to: '' });
  const [error, setError] = useState<string | null>(null);
  const set = (key: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues({ ...values, [key]: e.target.value });
  const create = useMutation({
    mutationFn: () => {
      const body: Record<string, string> = { kind, name: values.name };
      if (kind === 'webhook' || kind === 'slack') body.url = values.url;
      if (kind === 'telegram') Object.assign(body, { botToken: values.botToken, chatId: values.chatId });
      if (kind === 'email') body.to = values.to;
      return api<AlertChannel & { signingSecret?: string }>('POST', '/alert-channels', body);
    },
    onSuccess: (created) => {
      setValues({ name: '', url: '', botToken: '', chatId: '', to: '' });
      props.onCreated(created.signingSecret);
    },
    onError: (e) => setError(plainMessage(e)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    create.mutate();
  }
  const input =
    (key: keyof typeof values, type = 'text') =>
    (p: object) => <input {...p} type={type} className={ui.input} value={values[key]} onChange={set(key)} />;
  return (
    <form className={`${ui.card} ${ui.stack}`} onSubmit={submit} noValidate>
      <h2>New channel</h2>
      <div className={ui.formGrid}>
        <Field label="Kind">
          {(p) => (
            <select
              {...p}
              className={ui.input}
              value={kind}
              onChange={(e) => setKind(e.target.value as ChannelKind)}
            >
              {Object.entries(KINDS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Channel name">{input('name')}</Field>
        {(kind === 'webhook' || kind === 'slack') && <Field label="Webhook URL">{input('url', 'url')}</Field>}
        {kind === 'telegram' && (
          <>
            <Field label="Bot token" help="Stored and never shown again.">
              {input('botToken', 'password')}
            </Field>
            <Field label="Chat id">{input('chatId')}</Field>
          </>
        )}
        {kind === 'email' && (
          <Field
            label="Email to"
            help="One or more addresses, comma-separated. Sent over TRACKWIRE_SMTP_URL."
          >
            {input('to', 'email')}
          </Field>
        )}
      </div>
      <FormFooter error={error} label="Add channel" pending={create.isPending} />
    </form>
  );
}

export function AlertChannelsScreen() {
  const queryClient = useQueryClient();
  const channels = useQuery({
    queryKey: ['alert-channels'],
    queryFn: () => get<{ data: AlertChannel[] }>('/alert-channels'),
  });
  const [secret, setSecret] = useState<string | undefined>();
  const [tested, setTested] = useState<{ name: string; answer: ChannelTestAnswer } | null>(null);
  const test = useMutation({
    mutationFn: (c: AlertChannel) =>
      api<ChannelTestAnswer>('POST', `/alert-channels/${c.id}/test`).then((answer) => ({
        name: c.name,
        answer,
      })),
    onSuccess: setTested,
  });
  const remove = useMutation({
    mutationFn: (id: number) => api('DELETE', `/alert-channels/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['alert-channels'] }),
  });
  const columns: Column<AlertChannel>[] = [
    { header: 'Name', accessorKey: 'name' },
    { header: 'Kind', cell: (c) => KINDS[c.row.original.kind] },
    { header: 'Sends to', cell: (c) => <span className={ui.mono}>{destination(c.row.original)}</span> },
    {
      header: 'Actions',
      cell: (c) => (
        <div className={ui.row}>
          <button
            type="button"
            className={`${ui.button} ${ui.small}`}
            disabled={test.isPending}
            onClick={() => test.mutate(c.row.original)}
            aria-label={`Send test to ${c.row.original.name}`}
          >
            Send test
          </button>
          <ConfirmButton
            label={`Delete ${c.row.original.name}`}
            title="Delete this channel?"
            description="Rules that use it stop sending to it."
            confirmLabel="Delete channel"
            danger
            onConfirm={() => remove.mutate(c.row.original.id)}
          />
        </div>
      ),
    },
  ];
  return (
    <Page title="Alert channels" lede="Where alerts are sent. Send a test to check a channel works.">
      <ChannelForm
        onCreated={(s) => {
          setSecret(s);
          void queryClient.invalidateQueries({ queryKey: ['alert-channels'] });
        }}
      />
      {secret && (
        <div className={ui.stack} role="status">
          <p className={`${ui.banner} ${ui.bannerWarn}`} style={{ margin: 0 }}>
            Copy the signing secret now: it is not shown again. Receivers verify the{' '}
            <code>webhook-signature</code> header with it (Standard Webhooks).
          </p>
          <UrlBox url={secret} label="Signing secret" />
        </div>
      )}
      {tested && (
        <div
          className={`${ui.banner} ${tested.answer.ok ? ui.bannerOk : ui.bannerError}`}
          role="status"
          aria-label="Test result"
        >
          <p style={{ margin: 0 }}>
            {tested.answer.ok ? 'Delivered' : 'Not delivered'} to {tested.name} (
            {tested.answer.statusCode || 'no answer'}). The receiver said:
          </p>
          <pre className={ui.pre}>{tested.answer.answer}</pre>
        </div>
      )}
      {test.error && <p className={ui.error}>{plainMessage(test.error)}</p>}
      <Loaded query={channels} what="Channels could not be loaded">
        {(page) => (
          <DataTable
            caption="Alert channels"
            columns={columns}
            data={page.data}
            empty={<p>No channels yet.</p>}
          />
        )}
      </Loaded>
    </Page>
  );
}
