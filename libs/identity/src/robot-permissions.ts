import type { RobotPermission } from '@wharf/auth';
import type { SqlRunner } from '@wharf/db';

/** The project names a set of permissions names (not `*`). */
export function namedProjects(permissions: readonly RobotPermission[]): string[] {
  return [...new Set(permissions.filter((p) => p.kind === 'project' && p.namespace !== '*').map((p) => p.namespace))];
}

/**
 * Permissions as they are stored: each `project` permission on a named project carries the id of
 * the project of that name now, which is what authorization matches (@wharf/auth `robotDecision`),
 * so that a project deleted and created again under the name is not covered by grants on the first.
 * The projects' rows stay locked against deletion (FOR KEY SHARE) until `runner`'s transaction
 * ends, so that a deletion running meanwhile finds the robot row when it removes its grants
 * (`removeProjectFromRobots`). Names of no existing project come back in `missing`.
 */
export async function bindRobotPermissions(runner: SqlRunner, permissions: readonly RobotPermission[]): Promise<{ permissions: RobotPermission[]; missing: string[] }> {
  const names = namedProjects(permissions);
  const rows =
    names.length === 0 ? [] : await runner.query<{ id: number; name: string }>('SELECT id, name FROM project WHERE name = ANY($1::text[]) FOR KEY SHARE', [names], 'identity_bind_robot_projects');
  const ids = new Map(rows.map((row) => [row.name, row.id]));
  const bound = withoutProjectIds(permissions).map((p) => {
    const id = p.kind === 'project' ? ids.get(p.namespace) : undefined;
    return id === undefined || p.namespace === '*' ? p : { ...p, project_id: id };
  });
  return { permissions: bound, missing: names.filter((name) => !ids.has(name)) };
}

/** Permissions as Harbor's API shows them: without the ids they are bound to. */
export function withoutProjectIds(permissions: readonly RobotPermission[]): RobotPermission[] {
  return permissions.map(({ kind, namespace, access }) => ({ kind, namespace, access }));
}

/**
 * In the transaction deleting a project: robots' grants on it go with it (its project robots go by
 * the foreign key), so that no robot shows a grant on a project that is gone.
 */
export async function removeProjectFromRobots(runner: SqlRunner, projectId: number): Promise<void> {
  await runner.query(
    `UPDATE robot r
        SET permissions = (SELECT COALESCE(jsonb_agg(e ORDER BY n), '[]'::jsonb)
                             FROM jsonb_array_elements(r.permissions) WITH ORDINALITY AS x(e, n)
                            WHERE e->'project_id' IS DISTINCT FROM to_jsonb($1::int))
      WHERE r.permissions @> jsonb_build_array(jsonb_build_object('project_id', $1::int))`,
    [projectId],
    'identity_remove_project_from_robots',
  );
}
