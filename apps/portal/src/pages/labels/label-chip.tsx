import { Tag } from 'antd';
import { type Label, textColorOn } from './label-model';

/** A label as Harbor shows it: its name on its colour, its description as the tooltip. */
export function LabelChip({ label }: { label: Pick<Label, 'name' | 'color' | 'description'> }) {
  const text = textColorOn(label.color ?? '');
  // A light colour gets a grey border so that it stands out from a white page.
  const style = text ? { background: label.color, color: text, borderColor: text === '#000000' ? '#8c8c8c' : label.color } : undefined;
  return (
    <Tag style={style} title={label.description || undefined}>
      {label.name}
    </Tag>
  );
}

/** The labels of an artifact, or a dash. */
export function LabelChips({ labels }: { labels: readonly Label[] | undefined }) {
  if (!labels || labels.length === 0) return <>—</>;
  return (
    <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }}>
      {labels.map((l) => (
        <LabelChip key={l.id} label={l} />
      ))}
    </span>
  );
}
