import { API, api, repoPath } from '../../api/client';
import { errorMessage } from '../../components/error-alert';

export interface DeleteOutcome {
  digest: string;
  /** The API's reason when it refused. */
  error?: string;
}

/**
 * Deletes artifacts one after the other (each its own request, as the API has no batch delete)
 * and reports each outcome, so a refusal (an immutable tag) does not hide the others.
 */
export async function deleteArtifacts(projectName: string, repository: string, digests: string[]): Promise<DeleteOutcome[]> {
  const outcomes: DeleteOutcome[] = [];
  for (const digest of digests) {
    try {
      await api.delete(`${API}/projects/${encodeURIComponent(projectName)}/repositories/${repoPath(repository)}/artifacts/${encodeURIComponent(digest)}`);
      outcomes.push({ digest });
    } catch (err) {
      outcomes.push({ digest, error: errorMessage(err) });
    }
  }
  return outcomes;
}

/**
 * The order to delete a selection in: indexes first, so that an image the selection also names
 * is no longer held by its index when its turn comes (the API refuses to delete a referenced child).
 */
export function deletionOrder(digests: string[], indexes: ReadonlySet<string>): string[] {
  return [...digests.filter((d) => indexes.has(d)), ...digests.filter((d) => !indexes.has(d))];
}

export function artifactPath(projectName: string, repository: string, reference: string): string {
  return `${API}/projects/${encodeURIComponent(projectName)}/repositories/${repoPath(repository)}/artifacts/${encodeURIComponent(reference)}`;
}
