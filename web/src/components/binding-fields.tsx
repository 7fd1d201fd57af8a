// Role and its binding (advertiser or publisher), shared by API keys and user invites.
import { useAdvertiserChoices, usePublisherChoices } from '../lib/queries';
import type { Role } from '../lib/types';
import { Field, ui } from './ui';

export interface Binding {
  role: Role;
  ownerId: string;
}

export function bindingBody(b: Binding) {
  if (b.role === 'advertiser') return { role: b.role, advertiserId: Number(b.ownerId) };
  if (b.role === 'publisher') return { role: b.role, publisherId: Number(b.ownerId) };
  return { role: b.role };
}

export function BindingFields(props: {
  value: Binding;
  onChange: (b: Binding) => void;
  error?: string | null;
}) {
  const advertisers = useAdvertiserChoices(props.value.role === 'advertiser');
  const publishers = usePublisherChoices(props.value.role === 'publisher');
  const owners = props.value.role === 'advertiser' ? advertisers.data?.data : publishers.data?.data;
  return (
    <>
      <Field
        label="Role"
        help="Advertisers and publishers see only their own objects; publishers never see revenue."
      >
        {(p) => (
          <select
            {...p}
            className={ui.input}
            value={props.value.role}
            onChange={(e) => props.onChange({ role: e.target.value as Role, ownerId: '' })}
          >
            <option value="admin">admin</option>
            <option value="advertiser">advertiser</option>
            <option value="publisher">publisher</option>
          </select>
        )}
      </Field>
      {props.value.role !== 'admin' && (
        <Field label={props.value.role === 'advertiser' ? 'Advertiser' : 'Publisher'} error={props.error}>
          {(p) => (
            <select
              {...p}
              className={ui.input}
              value={props.value.ownerId}
              onChange={(e) => props.onChange({ ...props.value, ownerId: e.target.value })}
            >
              <option value="">Choose…</option>
              {(owners ?? []).map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} (#{o.id})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
    </>
  );
}
