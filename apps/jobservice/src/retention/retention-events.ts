import { type ArtifactEvent, EventType, type RetentionFigures } from '@wharf/jobs';
import { artifactName } from '@wharf/oci';
import { repositoryInProject, type RetentionRuleSpec } from '@wharf/policy';

/** What a run did to one repository. */
export interface RepositoryRetentionSummary {
  repository: string;
  total: number;
  retained: number;
  deleted: { digest: string; tags: string[] }[];
}

/** Deleted artifacts named in one event; how many went is always total - retained. */
const MAX_NAMED = 1000;

/**
 * A TAG_RETENTION event: one per real run, about the policy's project, with the figures beside
 * the common fields. The counts and the deleted artifacts named cover the whole run, the part an
 * interrupted attempt did included.
 */
export type RetentionEvent = ArtifactEvent & { retention: RetentionFigures };

export function retentionEvent(
  run: {
    policyId: string;
    executionId: string;
    project: string;
    /** Who started the run: the user of a manual run, the jobservice for a scheduled one. */
    operator: string;
    status: string;
    rules: readonly RetentionRuleSpec[];
    total: number;
    retained: number;
  },
  summaries: readonly RepositoryRetentionSummary[],
  at = Date.now(),
): RetentionEvent {
  const { total, retained } = run;
  // Harbor names a deleted artifact by its repository inside the project and its first tag, else its digest.
  const deleted = summaries.flatMap((s) =>
    s.deleted.map((d) => ({ type: 'image', status: 'SUCCESS', name_tag: artifactName(repositoryInProject(s.repository), d.tags[0] ?? d.digest) })),
  );
  return {
    type: EventType.TagRetention,
    occurAt: at,
    operator: run.operator,
    repository: run.project,
    message: `retention policy ${run.policyId} (execution ${run.executionId}) deleted ${total - retained} of ${total} artifacts`,
    retention: {
      total,
      retained,
      retention_policy_id: Number(run.policyId),
      retention_rule: run.rules.map((r) => ({ template: r.template, params: r.params, tag_selectors: [...r.tagSelectors], scope_selectors: { repository: [...r.repositorySelectors] } })),
      result: run.status.toUpperCase(),
      deleted_artifact: deleted.slice(0, MAX_NAMED),
    },
  };
}
