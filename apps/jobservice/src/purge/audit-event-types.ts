/**
 * Which audit_log rows an `include_event_types` list names. Harbor keeps two tables: the older
 * audit_log (operations create, delete and pull of artifacts, tags and repositories) and, since
 * 2.13, audit_log_ext (event types "<operation>_<resource type>", e.g. create_artifact,
 * login_user). Its purge applies the one list to both. Wharf writes one table with the operation
 * and the resource type of each row, so both spellings are read against it:
 * - an event type (create_artifact, ..., or `other` for every type but the artifact ones) selects
 *   the rows of that operation and resource type (Harbor's resource type member is Wharf's
 *   project_member);
 * - an older operation (create, delete, pull) selects the rows the older table held: that
 *   operation on an artifact, tag or repository.
 * Anything else is ignored, as Harbor ignores it, and reported.
 */

/** An event type as the rows it stands for. */
export interface EventKind {
  operation: string;
  resourceType: string;
}

/** Harbor's event types (its order), then those only Wharf records (an updated robot, tag events). */
const EVENT_TYPES: ReadonlyMap<string, EventKind> = new Map(
  (
    [
      ['create_artifact', 'create', 'artifact'],
      ['delete_artifact', 'delete', 'artifact'],
      ['pull_artifact', 'pull', 'artifact'],
      ['create_project', 'create', 'project'],
      ['delete_project', 'delete', 'project'],
      ['delete_repository', 'delete', 'repository'],
      ['login_user', 'login', 'user'],
      ['logout_user', 'logout', 'user'],
      ['create_user', 'create', 'user'],
      ['delete_user', 'delete', 'user'],
      ['update_user', 'update', 'user'],
      ['create_robot', 'create', 'robot'],
      ['delete_robot', 'delete', 'robot'],
      ['update_configuration', 'update', 'configuration'],
      ['create_member', 'create', 'project_member'],
      ['delete_member', 'delete', 'project_member'],
      ['update_member', 'update', 'project_member'],
      ['update_project', 'update', 'project'],
      ['update_robot', 'update', 'robot'],
      ['create_tag', 'create', 'tag'],
      ['delete_tag', 'delete', 'tag'],
    ] as const
  ).map(([name, operation, resourceType]) => [name, { operation, resourceType }]),
);

/** Harbor's `other`: every event type but the artifact ones it lists first. */
const ARTIFACT_EVENT_TYPES: ReadonlySet<string> = new Set(['create_artifact', 'delete_artifact', 'pull_artifact']);
export const OTHER_EVENTS = 'other';

/** The older table's operations Harbor purges, and the resource types that table held. */
const LEGACY_OPERATIONS: ReadonlySet<string> = new Set(['create', 'delete', 'pull']);
const LEGACY_RESOURCE_TYPES: readonly string[] = ['artifact', 'tag', 'repository'];

export interface EventSelection {
  /** The distinct (operation, resource type) pairs selected, in a stable order. */
  kinds: EventKind[];
  /** The names read, lower-cased, in the order given, without repeats. */
  accepted: string[];
  /** Names that select nothing (unknown), as given. */
  ignored: string[];
}

/** Reads a comma separated include_event_types value (case and spaces ignored). */
export function selectEventTypes(includeEventTypes: string): EventSelection {
  const kinds = new Map<string, EventKind>();
  const add = (k: EventKind) => kinds.set(`${k.operation}_${k.resourceType}`, k);
  const accepted: string[] = [];
  const ignored: string[] = [];
  for (const raw of includeEventTypes.split(',')) {
    const given = raw.trim();
    if (given === '') continue;
    const name = given.toLowerCase();
    const kind = EVENT_TYPES.get(name);
    if (kind) {
      add(kind);
    } else if (name === OTHER_EVENTS) {
      for (const [n, k] of EVENT_TYPES) if (!ARTIFACT_EVENT_TYPES.has(n)) add(k);
    } else if (LEGACY_OPERATIONS.has(name)) {
      for (const resourceType of LEGACY_RESOURCE_TYPES) add({ operation: name, resourceType });
    } else {
      if (!ignored.includes(given)) ignored.push(given);
      continue;
    }
    if (!accepted.includes(name)) accepted.push(name);
  }
  return { kinds: [...kinds.values()].sort((a, b) => `${a.operation}_${a.resourceType}`.localeCompare(`${b.operation}_${b.resourceType}`)), accepted, ignored };
}
