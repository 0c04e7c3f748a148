/**
 * The OCI Distribution error codes, registered once: code, HTTP status and default message.
 * Handlers raise `OciError`; one exception filter in the registry writes the `{"errors":[...]}` body.
 */
export const OCI_ERRORS = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 404, message: 'manifest references a manifest or blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 415, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  MANIFEST_TOO_LARGE: { status: 413, message: 'manifest exceeds the size limit' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'the operation is not allowed' },
  NOT_FOUND: { status: 404, message: 'not found' },
  CONFLICT: { status: 409, message: 'the operation conflicts with the current state' },
  // Harbor's code for a policy that forbids the change (an immutable tag).
  PRECONDITION: { status: 412, message: 'precondition failed' },
  UNAVAILABLE: { status: 503, message: 'service unavailable' },
  // Not in the Distribution spec (clients show the message of any code): the storage is full.
  INSUFFICIENT_STORAGE: { status: 507, message: 'the registry has no storage space left' },
  UNKNOWN: { status: 500, message: 'unknown error' },
} as const;

export type OciErrorCode = keyof typeof OCI_ERRORS;

export interface OciErrorEntry {
  code: OciErrorCode;
  message: string;
  detail?: unknown;
}

export class OciError extends Error {
  readonly status: number;

  constructor(
    readonly code: OciErrorCode,
    message?: string,
    readonly detail?: unknown,
    /** Extra response headers (e.g. `Range` on a 416). */
    readonly headers: Record<string, string> = {},
    status?: number,
  ) {
    super(message ?? OCI_ERRORS[code].message);
    this.name = 'OciError';
    this.status = status ?? OCI_ERRORS[code].status;
  }

  toEntry(): OciErrorEntry {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

export function ociErrorBody(errors: OciErrorEntry[]): { errors: OciErrorEntry[] } {
  return { errors };
}
