import { storageLimitProblem } from '@wharf/policy';

/** The controller's OpenAPI description names the bound. */
export { MAX_STORAGE_LIMIT } from '@wharf/policy';
import { badRequest } from '../http/harbor-error';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads Harbor's QuotaUpdateReq, `{"hard": {"storage": N}}`, into the new storage limit. Other
 * fields are ignored, as Harbor ignores them (a client may send back what GET answered); a resource
 * other than storage is refused, since nothing else can be limited here.
 */
export function parseQuotaUpdate(body: unknown): number {
  if (!isObject(body)) throw badRequest('the body must be an object like {"hard": {"storage": 1073741824}}');
  const hard = body['hard'];
  if (hard === undefined || hard === null || (isObject(hard) && Object.keys(hard).length === 0)) throw badRequest('hard required in body');
  if (!isObject(hard)) throw badRequest('hard must be an object of resource limits, like {"storage": 1073741824}');
  for (const key of Object.keys(hard)) if (key !== 'storage') throw badRequest(`resource ${JSON.stringify(key)} is not supported (only "storage")`);
  const problem = storageLimitProblem(hard['storage'], 'hard.storage');
  if (problem) throw badRequest(problem);
  return hard['storage'] as number;
}
