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
