import { badRequest } from '../http/harbor-error';

/** No limit. */
export const UNLIMITED = -1;

/**
 * The largest limit accepted: 1024 TiB, the most Harbor's console offers. Past it a limit means
 * nothing in practice, and the value stays far inside JavaScript's exact integers.
 */
export const MAX_STORAGE_LIMIT = 1024 ** 5;

/**
 * Why a project's storage limit (bytes) is refused, or undefined. Zero is refused as in Harbor
 * (its project quota driver takes -1 or a positive number): a project that may hold nothing is
 * made read-only by other means.
 */
export function storageLimitProblem(limit: unknown, field: string): string | undefined {
  if (typeof limit !== 'number' || !Number.isInteger(limit)) return `${field} must be an integer number of bytes, or -1 for unlimited`;
  if (limit === UNLIMITED || (limit > 0 && limit <= MAX_STORAGE_LIMIT)) return undefined;
  return `${field} must be -1 (unlimited) or from 1 to ${MAX_STORAGE_LIMIT} bytes (1024 TiB), got ${limit}`;
}

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
