// Confirmation before a destructive change, saying what will happen; and an on/off switch.
import { AlertDialog, Switch as RadixSwitch } from 'radix-ui';
import { type ReactNode, useId, useState } from 'react';
import s from './ui.module.css';

export function ConfirmButton(props: {
  label: string;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  danger?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <AlertDialog.Root open={open} onOpenChange={setOpen}>
      <AlertDialog.Trigger asChild>
        <button type="button" className={`${s.button} ${props.danger ? s.danger : ''}`}>
          {props.label}
        </button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className={s.overlay} />
        <AlertDialog.Content className={s.dialog}>
          <AlertDialog.Title style={{ margin: 0, fontSize: '1.1rem' }}>{props.title}</AlertDialog.Title>
          <AlertDialog.Description style={{ margin: 0 }}>{props.description}</AlertDialog.Description>
          <div className={s.row} style={{ justifyContent: 'flex-end' }}>
            <AlertDialog.Cancel asChild>
              <button type="button" className={s.button}>
                Cancel
              </button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <button
                type="button"
                className={`${s.button} ${props.danger ? s.danger : s.primary}`}
                onClick={() => void props.onConfirm()}
              >
                {props.confirmLabel}
              </button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

export function Switch(props: {
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  help?: string;
}) {
  const id = useId();
  return (
    <div className={s.row} style={{ alignItems: 'flex-start', flexWrap: 'nowrap' }}>
      <RadixSwitch.Root
        id={id}
        className={s.switchRoot}
        checked={props.checked}
        onCheckedChange={props.onChange}
        aria-describedby={props.help ? `${id}-help` : undefined}
      >
        <RadixSwitch.Thumb className={s.switchThumb} />
      </RadixSwitch.Root>
      <div>
        <label htmlFor={id} className={s.label}>
          {props.label}
        </label>
        {props.help && (
          <p className={s.help} id={`${id}-help`}>
            {props.help}
          </p>
        )}
      </div>
    </div>
  );
}
