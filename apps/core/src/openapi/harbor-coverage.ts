import operations from './harbor-operations.json';

/** One operation of Harbor's API document (v2.15.2): method, path under /api/v2.0, tag, operationId. */
export type HarborOperation = readonly [method: string, path: string, tag: string, operationId: string];

export const HARBOR_OPERATIONS = operations as unknown as HarborOperation[];

/** Harbor's groups that later work covers (scanning, replication and its registries, P2P preheat). */
export const LATER_TAGS: ReadonlySet<string> = new Set(['scanner', 'scan', 'scanAll', 'scan data export', 'securityhub', 'replication', 'registry', 'preheat']);

/** `/projects/{project_name}/x` and `/projects/{project_name_or_id}/x` are one route: parameter names do not matter. */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}').replace(/\/$/, '')}`;
}

/** The routes an OpenAPI document serves under `prefix`, as routeKey()s. */
export function servedRoutes(paths: Record<string, Record<string, unknown>>, prefix: string): Set<string> {
  const served = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith(prefix)) continue;
    for (const method of Object.keys(item)) served.add(routeKey(method, path.slice(prefix.length)));
  }
  return served;
}

export interface Coverage {
  served: HarborOperation[];
  missing: HarborOperation[];
}

/** Harbor's operations that `served` has and lacks, `tags` left out. */
export function coverage(served: Set<string>, leaveOut: ReadonlySet<string> = new Set()): Coverage {
  const considered = HARBOR_OPERATIONS.filter(([, , tag]) => !leaveOut.has(tag));
  return {
    served: considered.filter(([method, path]) => served.has(routeKey(method, path))),
    missing: considered.filter(([method, path]) => !served.has(routeKey(method, path))),
  };
}
