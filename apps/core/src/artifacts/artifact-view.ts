import type { LabelRecord } from '../labels/label.store';
import { LabelView, labelView } from '../labels/label-view';
import { API_PREFIX } from '../http/api-prefix';
import { additionsOf, BUILTIN_ICON, defaultIconOf, processorOf } from './artifact-processor';
import type { AccessoryRecord, ArtifactRecord, ReferenceRecord, TagRecord } from './artifact.store';

/** What Harbor answers for a time that never happened (an artifact never pulled). */
export const NEVER = '0001-01-01T00:00:00.000Z';

function time(value: Date | null): string {
  return value === null ? NEVER : value.toISOString();
}

/** Harbor's Tag. `immutable` is only worked out when asked for (with_immutable_status), as Harbor. */
export interface TagView {
  id: number;
  repository_id: number;
  artifact_id: number;
  name: string;
  push_time: string;
  pull_time: string;
  immutable: boolean;
}

/** Harbor's Reference: one child of an index. */
export interface ReferenceView {
  parent_id: number;
  child_id: number;
  child_digest: string;
  platform?: Record<string, unknown>;
  annotations?: Record<string, string>;
}

/** Harbor's Accessory. */
export interface AccessoryView {
  id: number;
  artifact_id: number;
  subject_artifact_id: number;
  subject_artifact_digest: string;
  subject_artifact_repo: string;
  size: number;
  digest: string;
  type: string;
  icon: string;
  creation_time: string;
}

/** Harbor's AdditionLink: where an addition of the artifact is read (relative to the host). */
export interface AdditionLinkView {
  href: string;
  absolute: boolean;
}

/** Harbor's Artifact. */
export interface ArtifactView {
  id: number;
  type: string;
  media_type: string;
  manifest_media_type: string;
  artifact_type: string;
  project_id: number;
  repository_id: number;
  repository_name: string;
  digest: string;
  size: number;
  push_time: string;
  pull_time: string;
  icon: string;
  extra_attrs: Record<string, unknown>;
  annotations: Record<string, string>;
  references: ReferenceView[];
  addition_links?: Record<string, AdditionLinkView>;
  tags?: TagView[];
  labels?: LabelView[];
  accessories?: AccessoryView[];
}

export function tagView(row: TagRecord, immutable = false): TagView {
  return {
    id: Number(row.id),
    repository_id: Number(row.repository_id),
    artifact_id: Number(row.artifact_id),
    name: row.name,
    push_time: row.push_time.toISOString(),
    pull_time: time(row.pull_time),
    immutable,
  };
}

export function referenceView(row: ReferenceRecord): ReferenceView {
  return {
    parent_id: Number(row.parent_id),
    child_id: Number(row.child_id),
    child_digest: row.child_digest,
    ...(row.platform ? { platform: row.platform } : {}),
    ...(row.annotations ? { annotations: row.annotations } : {}),
  };
}

/** Harbor's accessory types, by the accessory's artifactType; any other referrer is a generic one. */
const ACCESSORY_TYPES: Readonly<Record<string, string>> = {
  'application/vnd.dev.cosign.artifact.sig.v1+json': 'signature.cosign',
  'application/vnd.cncf.notary.signature': 'signature.notation',
  'application/vnd.goharbor.harbor.sbom.v1': 'harbor.sbom',
};

/** Harbor's accessory type as SQL over the artifact `a` (the same table as accessoryView's). */
export const ACCESSORY_TYPE_SQL = `CASE a.artifact_type ${Object.entries(ACCESSORY_TYPES)
  .map(([artifactType, type]) => `WHEN '${artifactType}' THEN '${type}'`)
  .join(' ')} ELSE 'subject.accessory' END`;

/** Harbor's icons of accessory types; a generic accessory has none. */
const ACCESSORY_ICONS: Readonly<Record<string, string>> = {
  'signature.cosign': BUILTIN_ICON.cosign,
  'signature.notation': BUILTIN_ICON.notation,
  'harbor.sbom': BUILTIN_ICON.sbom,
};

export function accessoryView(row: AccessoryRecord, subject: ArtifactRecord): AccessoryView {
  const type = (row.artifact_type && ACCESSORY_TYPES[row.artifact_type]) || 'subject.accessory';
  return {
    id: Number(row.id),
    artifact_id: Number(row.id),
    subject_artifact_id: Number(subject.id),
    subject_artifact_digest: subject.digest,
    subject_artifact_repo: subject.repository_name,
    size: Number(row.total_size),
    digest: row.digest,
    type,
    icon: ACCESSORY_ICONS[type] ?? '',
    creation_time: row.push_time.toISOString(),
  };
}

export interface ArtifactExtras {
  tags?: TagRecord[];
  references: ReferenceRecord[];
  accessories?: AccessoryRecord[];
  /** The artifact's labels, when asked for (with_label). */
  labels?: LabelRecord[];
  /** Whether a tag of this artifact is immutable; absent, none is said to be. */
  isImmutable?: (tag: string) => boolean;
}

export function artifactView(row: ArtifactRecord, extras: ArtifactExtras): ArtifactView {
  const view: ArtifactView = {
    id: Number(row.id),
    type: row.type,
    media_type: row.media_type,
    manifest_media_type: row.manifest_media_type,
    artifact_type: row.artifact_type,
    project_id: row.project_id ?? 0,
    repository_id: Number(row.repository_id),
    repository_name: row.repository_name,
    digest: row.digest,
    size: Number(row.total_size),
    push_time: row.push_time.toISOString(),
    pull_time: time(row.pull_time),
    icon: row.icon ?? defaultIconOf(row.type),
    extra_attrs: row.extra_attrs ?? {},
    annotations: row.annotations ?? {},
    references: extras.references.map(referenceView),
  };
  const links = additionLinks(row);
  if (links) view.addition_links = links;
  if (extras.tags) view.tags = extras.tags.map((t) => tagView(t, extras.isImmutable?.(t.name) ?? false));
  if (extras.labels) view.labels = extras.labels.map(labelView);
  if (extras.accessories) view.accessories = extras.accessories.map((a) => accessoryView(a, row));
  return view;
}

/**
 * Harbor's addition_links: one per addition the artifact's processor offers, by digest, the
 * repository part of the path with its slashes encoded twice (%252F) as Harbor writes it.
 */
export function additionLinks(row: ArtifactRecord): Record<string, AdditionLinkView> | undefined {
  const additions = additionsOf(processorOf(row));
  if (additions.length === 0) return undefined;
  const slash = row.repository_name.indexOf('/');
  const project = row.repository_name.slice(0, slash);
  const repository = row.repository_name.slice(slash + 1).replace(/\//g, '%252F');
  const links: Record<string, AdditionLinkView> = {};
  for (const addition of additions) {
    links[addition] = { href: `/${API_PREFIX}/projects/${project}/repositories/${repository}/artifacts/${row.digest}/additions/${addition}`, absolute: false };
  }
  return links;
}
