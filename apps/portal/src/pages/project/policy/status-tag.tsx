import { Tag } from 'antd';
import type { ReactNode } from 'react';

/**
 * A status as a tag whose text keeps a 4.5:1 contrast (antd's preset green and success tags do
 * not): dark text on the preset's light background.
 */
const TONES = {
  success: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  error: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  processing: { color: '#003a8c', background: '#e6f4ff', borderColor: '#91caff' },
  warning: { color: '#7c4a03', background: '#fffbe6', borderColor: '#ffe58f' },
  neutral: { color: 'rgba(0, 0, 0, 0.88)', background: '#fafafa', borderColor: '#d9d9d9' },
} as const;

export type Tone = keyof typeof TONES;

export function StatusTag({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <Tag style={TONES[tone]}>{children}</Tag>;
}
