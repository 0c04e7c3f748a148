import { Tag } from 'antd';
import type { ReactNode } from 'react';

export type Tone = 'success' | 'error' | 'warning' | 'processing' | 'neutral';

/**
 * antd's status tags write their text in the status colour itself (green on pale green), below a
 * 4.5:1 contrast; these keep the pale background and use the palette's darkest shade for the text.
 */
const TEXT: Record<Tone, string | undefined> = {
  success: '#135200',
  error: '#a8071a',
  warning: '#873800',
  processing: '#003eb3',
  neutral: undefined,
};

export function ToneTag({ tone, children }: { tone: Tone; children: ReactNode }) {
  const color = tone === 'neutral' ? undefined : tone;
  const text = TEXT[tone];
  return (
    <Tag color={color} style={text ? { color: text } : undefined}>
      {children}
    </Tag>
  );
}
