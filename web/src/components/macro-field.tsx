// A template field with the macro picker: the "{ } Add macro" button, or typing "{" in the field,
// opens a searchable list of macros (name, description, example); typing filters it; arrows move,
// Enter or a click inserts the whole macro at the cursor in the syntax the user writes ({x}, {{x}},
// #x#, [[x]]). Unknown macros (from the server's own check) are marked with the nearest known name.
import { type KeyboardEvent, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useMacros } from '../lib/queries';
import type { Macro } from '../lib/types';
import m from './macro-field.module.css';
import { FieldMessages } from './ui';
import s from './ui.module.css';

export interface UnknownMacro {
  macro: string;
  name: string;
  suggestion?: string;
}

type Syntax = '{}' | '{{}}' | '##' | '[[]]';

const SYNTAX_PATTERNS: [RegExp, Syntax][] = [
  [/\{\{\s*[A-Za-z_]\w*\s*\}\}/, '{{}}'],
  [/\{[A-Za-z_]\w*(:\w+)?\}/, '{}'],
  [/#[A-Za-z_]\w*#/, '##'],
  [/\[\[[A-Za-z_]\w*\]\]/, '[[]]'],
];

/** The syntax the template already uses (the first macro written), else {x}. */
export function syntaxOf(template: string): Syntax {
  let best: [number, Syntax] = [Number.POSITIVE_INFINITY, '{}'];
  for (const [re, syntax] of SYNTAX_PATTERNS) {
    const at = template.search(re);
    if (at >= 0 && at < best[0]) best = [at, syntax];
  }
  return best[1];
}

export function writeMacro(name: string, syntax: Syntax): string {
  switch (syntax) {
    case '{{}}':
      return `{{${name}}}`;
    case '##':
      return `#${name}#`;
    case '[[]]':
      return `[[${name}]]`;
    default:
      return `{${name}}`;
  }
}

export function filterMacros(macros: Macro[], text: string): Macro[] {
  const q = text.trim().toLowerCase();
  if (!q) return macros;
  const scored = macros
    .map((macro) => {
      const names = [macro.name, ...macro.aliases].map((n) => n.toLowerCase());
      const score = names.some((n) => n.startsWith(q))
        ? 0
        : names.some((n) => n.includes(q))
          ? 1
          : macro.description.toLowerCase().includes(q)
            ? 2
            : 3;
      return { macro, score };
    })
    .filter((x) => x.score < 3);
  return scored.sort((a, b) => a.score - b.score).map((x) => x.macro);
}

interface Picker {
  /** Where the inserted macro starts in the value. */
  start: number;
  /** 'typed': opened by typing "{" (or "{{"), the filter is what follows it in the field. */
  mode: 'typed' | 'button';
  opener: '' | '{' | '{{';
}

export function MacroField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  help?: string;
  error?: string | null;
  warning?: string | null;
  unknown?: UnknownMacro[];
  placeholder?: string;
}) {
  const id = useId();
  const listId = `${id}-list`;
  const inputRef = useRef<HTMLInputElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [picker, setPicker] = useState<Picker | null>(null);
  const [caret, setCaret] = useState(0);
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const macros = useMacros();

  const filterText =
    picker?.mode === 'typed' ? props.value.slice(picker.start + picker.opener.length, caret) : search;
  const options = useMemo(
    () => filterMacros(macros.data?.data ?? [], filterText).slice(0, 60),
    [macros.data, filterText],
  );
  useEffect(() => setActive(0), []);
  const caretAfterInsert = useRef<number | null>(null);
  useLayoutEffect(() => {
    const at = caretAfterInsert.current;
    if (at === null) return;
    caretAfterInsert.current = null;
    inputRef.current?.focus();
    inputRef.current?.setSelectionRange(at, at);
  });
  useEffect(() => {
    if (picker?.mode === 'button') searchRef.current?.focus();
  }, [picker?.mode]);
  useEffect(() => {
    document.getElementById(`${id}-opt-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, id]);

  function close(focusBack: 'input' | 'button' | 'none' = 'none') {
    setPicker(null);
    setSearch('');
    if (focusBack === 'input') inputRef.current?.focus();
    if (focusBack === 'button') buttonRef.current?.focus();
  }

  function insert(macro: Macro) {
    if (!picker) return;
    const end = picker.mode === 'typed' ? caret : picker.start;
    const syntax: Syntax =
      picker.opener === '{{' ? '{{}}' : picker.opener === '{' ? '{}' : syntaxOf(props.value);
    const text = writeMacro(macro.name, syntax);
    const next = props.value.slice(0, picker.start) + text + props.value.slice(end);
    const at = picker.start + text.length;
    props.onChange(next);
    setPicker(null);
    setSearch('');
    // Put the caret after the macro once the new value is rendered, in the same commit: a later
    // callback would pull focus back from a field the user has moved on to.
    caretAfterInsert.current = at;
    setCaret(at);
  }

  function onListKeys(event: KeyboardEvent, focusBack: 'input' | 'button') {
    if (!picker) return false;
    if (event.key === 'ArrowDown') setActive((a) => Math.min(a + 1, Math.max(options.length - 1, 0)));
    else if (event.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (event.key === 'Enter') {
      if (options[active]) insert(options[active]);
      else close(focusBack === 'button' ? 'input' : 'none');
    } else if (event.key === 'Escape') close(focusBack);
    else return false;
    event.preventDefault();
    return true;
  }

  function onInputChange(event: React.ChangeEvent<HTMLInputElement>) {
    const value = event.target.value;
    const at = event.target.selectionStart ?? value.length;
    const native = event.nativeEvent as InputEvent;
    props.onChange(value);
    setCaret(at);
    if (native.inputType === 'insertText' && native.data === '{') {
      const double = value[at - 2] === '{';
      setPicker({ start: double ? at - 2 : at - 1, mode: 'typed', opener: double ? '{{' : '{' });
      return;
    }
    if (picker?.mode === 'typed') {
      const typed = value.slice(picker.start + picker.opener.length, at);
      if (at < picker.start + picker.opener.length || !/^[A-Za-z0-9_]*$/.test(typed)) setPicker(null);
    }
  }

  const open = picker !== null;
  const activeId = options[active] ? `${id}-opt-${active}` : undefined;
  const described = [
    props.help && `${id}-help`,
    props.error && `${id}-error`,
    props.warning && `${id}-warn`,
    props.unknown?.length && `${id}-unknown`,
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div className={s.field}>
      <label className={s.label} htmlFor={id}>
        {props.label}
      </label>
      <div className={m.wrap}>
        <div className={m.inputRow}>
          <input
            ref={inputRef}
            id={id}
            className={`${s.input} ${s.mono}`}
            value={props.value}
            placeholder={props.placeholder}
            spellCheck={false}
            autoComplete="off"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={open && picker?.mode === 'typed'}
            aria-controls={listId}
            aria-activedescendant={open && picker?.mode === 'typed' ? activeId : undefined}
            aria-invalid={props.error || props.unknown?.length ? true : undefined}
            aria-describedby={described || undefined}
            onChange={onInputChange}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
            onKeyDown={(e) => {
              if (picker?.mode === 'typed') onListKeys(e, 'input');
            }}
            onBlur={() => {
              if (picker?.mode === 'typed') setPicker(null);
            }}
          />
          <button
            ref={buttonRef}
            type="button"
            className={s.button}
            aria-haspopup="listbox"
            aria-expanded={open && picker?.mode === 'button'}
            onClick={() => {
              if (picker) return close('input');
              const at = inputRef.current?.selectionStart ?? props.value.length;
              setPicker({ start: at, mode: 'button', opener: '' });
            }}
          >
            {'{ } Add macro'}
          </button>
        </div>
        {open && (
          <div className={m.popup}>
            {picker?.mode === 'button' && (
              <input
                ref={searchRef}
                className={s.input}
                aria-label="Search macros"
                placeholder="Search macros"
                role="combobox"
                aria-autocomplete="list"
                aria-expanded="true"
                aria-controls={listId}
                aria-activedescendant={activeId}
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                onKeyDown={(e) => onListKeys(e, 'button')}
              />
            )}
            <div id={listId} role="listbox" aria-label="Macros" className={m.list} tabIndex={-1}>
              {options.map((macro, i) => (
                // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard works through the field (arrows, Enter)
                <div
                  key={macro.name}
                  id={`${id}-opt-${i}`}
                  role="option"
                  tabIndex={-1}
                  aria-selected={i === active}
                  className={m.option}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => insert(macro)}
                >
                  <span className={m.name}>{macro.name}</span>
                  <span className={m.desc}>
                    {macro.description} — e.g. {macro.example || '(empty)'}
                  </span>
                </div>
              ))}
            </div>
            {options.length === 0 && <p className={m.none}>No macro matches “{filterText}”.</p>}
          </div>
        )}
      </div>
      <FieldMessages id={id} help={props.help} error={props.error} warning={props.warning} />
      {props.unknown && props.unknown.length > 0 && (
        <div id={`${id}-unknown`}>
          {props.unknown.map((u) => {
            const fixed = u.suggestion ? u.macro.replace(u.name, u.suggestion) : undefined;
            return (
              <p key={u.macro} className={m.unknown}>
                <span>
                  Unknown macro <code>{u.macro}</code>
                  {fixed ? (
                    <>
                      {' '}
                      — did you mean <code>{fixed}</code>?
                    </>
                  ) : (
                    ' — no macro has a name like it.'
                  )}
                </span>
                {fixed && (
                  <button
                    type="button"
                    className={`${s.button} ${s.small}`}
                    onClick={() => props.onChange(props.value.split(u.macro).join(fixed))}
                  >
                    Use {fixed}
                  </button>
                )}
              </p>
            );
          })}
        </div>
      )}
    </div>
  );
}
