import type { Label } from '../../api/registry-types';

export type { Label };

/** The label form: what POST and PUT /labels change. */
export interface LabelFormValues {
  name: string;
  color: string;
  description: string;
}

/** Harbor's limit on a label's name; the API checks it too. */
export const MAX_NAME_LENGTH = 128;
/** The colour column holds at most 16 characters (#RRGGBB fits). */
export const MAX_COLOR_LENGTH = 16;

/** Colours offered first; any other can be picked. */
export const LABEL_COLORS = ['#1F6FB2', '#2E7D32', '#C62828', '#EF6C00', '#6A1B9A', '#00838F', '#5D4037', '#455A64', '#F9A825', '#D81B60', '#E0E0E0', '#000000'];

export const DEFAULT_COLOR = LABEL_COLORS[0];

export function emptyLabelForm(): LabelFormValues {
  return { name: '', color: DEFAULT_COLOR, description: '' };
}

export function labelFormOf(label: Label): LabelFormValues {
  return { name: label.name, color: label.color || DEFAULT_COLOR, description: label.description ?? '' };
}

/** The body of POST /labels (with scope and project) or PUT /labels/{id} (without). */
export function labelBody(values: LabelFormValues, where?: { scope: 'g' } | { scope: 'p'; projectId: number }): Record<string, unknown> {
  const body: Record<string, unknown> = { name: values.name.trim(), color: values.color, description: values.description.trim() };
  if (where?.scope === 'g') body.scope = 'g';
  if (where?.scope === 'p') Object.assign(body, { scope: 'p', project_id: where.projectId });
  return body;
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of #RGB or #RRGGBB; undefined for anything else. */
export function luminance(color: string): number | undefined {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return undefined;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/**
 * The text colour that reads best on a label's colour (black or white, whichever contrasts more);
 * a colour the console cannot read (set through the API) gets none, and the tag its default look.
 */
export function textColorOn(color: string): '#000000' | '#FFFFFF' | undefined {
  const l = luminance(color);
  if (l === undefined) return undefined;
  const onBlack = (l + 0.05) / 0.05;
  const onWhite = 1.05 / (l + 0.05);
  return onBlack >= onWhite ? '#000000' : '#FFFFFF';
}
