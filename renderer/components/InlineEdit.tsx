/** Text that turns into an input on click (my name, my personal message: UI.md "click to edit"). */
import { useEffect, useRef, useState } from 'react';
import { EmoticonText } from './FormattedText';

export function InlineEdit({
  value,
  placeholder,
  label,
  maxLength,
  className,
  onCommit,
  allowEmpty = true,
}: {
  value: string;
  placeholder: string;
  label: string;
  maxLength: number;
  className?: string;
  onCommit: (next: string) => void;
  allowEmpty?: boolean;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const commit = () => {
    setEditing(false);
    const next = draft.trim();
    if (next === value.trim() || (!allowEmpty && next === '')) return;
    onCommit(next);
  };

  if (editing) {
    return (
      <input
        ref={input}
        className={`inline-edit-input ${className ?? ''}`}
        aria-label={label}
        value={draft}
        maxLength={maxLength}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          else if (e.key === 'Escape') {
            e.stopPropagation();
            setEditing(false);
          }
        }}
      />
    );
  }
  return (
    <button
      type="button"
      className={`inline-edit ${className ?? ''}${value ? '' : ' empty'}`}
      title={`${label} (click to change)`}
      aria-label={`${label}: ${value || placeholder}. Click to change.`}
      onClick={() => {
        setDraft(value);
        setEditing(true);
      }}
    >
      {value ? <EmoticonText text={value} /> : placeholder}
    </button>
  );
}
