import type { LabelRecord } from './label.store';

/** Harbor's Label. A global label's project_id is 0, as Harbor stores it. */
export interface LabelView {
  id: number;
  name: string;
  description: string;
  color: string;
  scope: string;
  project_id: number;
  creation_time: string;
  update_time: string;
}

export function labelView(row: LabelRecord): LabelView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    color: row.color,
    scope: row.scope,
    project_id: row.project_id ?? 0,
    creation_time: row.creation_time.toISOString(),
    update_time: row.update_time.toISOString(),
  };
}
