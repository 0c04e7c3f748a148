import type { Artifact, Platform } from '../../api/registry-types';

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

/** An image index (manifest list): its children are the per-platform images. */
export function isIndex(artifact: Pick<Artifact, 'manifest_media_type' | 'media_type'>): boolean {
  return INDEX_TYPES.has(artifact.manifest_media_type) || INDEX_TYPES.has(artifact.media_type);
}

/** `os/architecture/variant` (and the OS version when given), or '' without a platform. */
export function platformLabel(platform: Platform | undefined): string {
  if (!platform) return '';
  const parts = [platform.os, platform.architecture, platform.variant].filter((p): p is string => typeof p === 'string' && p !== '');
  const version = typeof platform['os.version'] === 'string' && platform['os.version'] ? ` (${platform['os.version']})` : '';
  return parts.join('/') + version;
}

/**
 * The repository's name inside its project, as the API's repository_name parameter and the
 * console's addresses take it: `project/a/b` in project `project` is `a/b`.
 */
export function repositoryInProject(fullName: string, projectName: string): string {
  const prefix = `${projectName}/`;
  return fullName.startsWith(prefix) ? fullName.slice(prefix.length) : fullName;
}

/** A time the API reports for something that never happened (Harbor's zero time) is no time. */
export function isNever(time: string | undefined | null): boolean {
  if (!time) return true;
  const ms = Date.parse(time);
  return Number.isNaN(ms) || ms <= 0;
}

/** The console's address of a repository's artifacts and of one artifact. */
export function repositoryHref(projectId: number | string, repository: string): string {
  return `/harbor/projects/${projectId}/repositories/${encodeURIComponent(repository)}`;
}

export function artifactHref(projectId: number | string, repository: string, digest: string): string {
  return `${repositoryHref(projectId, repository)}/artifacts-tab/artifacts/${encodeURIComponent(digest)}`;
}

/** The share of a quota used, 0–100, or undefined when the quota is unlimited (negative) or unknown. */
export function quotaPercent(used: number | undefined, hard: number | undefined): number | undefined {
  if (used === undefined || hard === undefined || !Number.isFinite(hard) || hard < 0) return undefined;
  if (hard === 0) return used > 0 ? 100 : 0;
  return Math.min(100, Math.round((used / hard) * 1000) / 10);
}
