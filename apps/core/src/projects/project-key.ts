import { parseBoolean } from '../http/id-param';

/** Harbor's header that makes `{project_name_or_id}` a name even when it looks like a number. */
export const IS_RESOURCE_NAME = 'x-is-resource-name';

export function isResourceName(header: string | undefined): boolean {
  return parseBoolean('X-Is-Resource-Name', header, false);
}

const MAX_ID = 2_147_483_647;

/**
 * How `{project_name_or_id}` is read (Harbor): a name when `X-Is-Resource-Name: true`, otherwise
 * an id when it is an integer, otherwise a name.
 */
export function projectKey(nameOrId: string, isName: boolean): { id: number } | { name: string } {
  if (!isName && /^\d{1,10}$/.test(nameOrId) && Number(nameOrId) <= MAX_ID) return { id: Number(nameOrId) };
  return { name: nameOrId };
}
