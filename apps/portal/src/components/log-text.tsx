/** A job's log as plain text in a scrollable, focusable block (keyboard users can scroll it). */
export function LogText({ label, text, emptyText }: { label: string; text: string | undefined; emptyText: string }) {
  return (
    <pre tabIndex={0} aria-label={label} style={{ maxHeight: '60vh', overflow: 'auto', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', background: '#f6f6f6', padding: 12, fontSize: 12 }}>
      {typeof text === 'string' && text !== '' ? text : emptyText}
    </pre>
  );
}
