import { artifactName } from '@wharf/oci';

/** What the data plane writes to `audit_log`: Harbor's operations on artifacts. */
export type RegistryAuditOperation = 'create' | 'pull' | 'delete';

export interface RegistryAuditEvent {
  operation: RegistryAuditOperation;
  resourceType: 'artifact' | 'tag';
  /** The repository; its project (`audit_log.project_id`) is looked up when the batch is written. */
  repository: string;
  resource: string;
  username: string;
  clientIp: string | null;
  /** When the request was served, not when its row was written. */
  opTime: Date;
  /** The manifest's digest where the request knew it (Harbor's operation_description names it). */
  digest?: string;
  /** Set once the event went to the syslog endpoint: a batch written again is not sent again. */
  forwarded?: boolean;
}

const VERBS: Record<RegistryAuditOperation, string> = { create: 'push', pull: 'pull', delete: 'delete' };

/** Harbor's operation_description: `push artifact: repo@sha256:...`, `delete tag: repo:tag`. */
export function auditDescription(event: RegistryAuditEvent): string {
  if (event.resourceType === 'tag') return `delete tag: ${event.resource}`;
  const target = event.digest ? `${event.repository}@${event.digest}` : event.resource;
  return `${VERBS[event.operation]} artifact: ${target}`;
}

/** Digests hold a colon (`sha256:...`); tag grammar forbids one. */
function isDigest(reference: string): boolean {
  return reference.includes(':');
}

/**
 * The row one successful manifest request stands for, in Harbor's own format: the resource is
 * `<repository>:<tag>` or `<repository>@<digest>`, as Harbor's artifact events write it (and as
 * core writes its own artifact deletions). A DELETE by digest removes the artifact (resource
 * type `artifact`); a DELETE by tag removes only the tag, which Harbor logs as resource type `tag`.
 */
export function auditEvent(
  operation: RegistryAuditOperation,
  repository: string,
  reference: string,
  username: string,
  clientIp: string | null,
  opTime = new Date(),
  digest?: string,
): RegistryAuditEvent {
  const resourceType = operation === 'delete' && !isDigest(reference) ? 'tag' : 'artifact';
  return { operation, resourceType, repository, resource: artifactName(repository, reference), username, clientIp, opTime, digest: digest ?? (isDigest(reference) ? reference : undefined) };
}
