import { HttpException } from '@nestjs/common';

/**
 * Harbor's error codes and the HTTP status each one is answered with: the only table of them.
 * UNPROCESSABLE_ENTITY is what Harbor answers a query parameter outside its declared type or
 * bounds with (its OpenAPI layer checks them). PAYLOAD_TOO_LARGE and SERVICE_UNAVAILABLE are not Harbor's (its API has no body limit, and it
 * answers an unreachable LDAP server with a bare 500); those statuses still need a code.
 */
export const HARBOR_ERROR_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  /** Harbor's refusal by policy rather than by role (read-only mode). */
  DENIED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_ENTITY: 422,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type HarborErrorCode = keyof typeof HARBOR_ERROR_STATUS;

const DEFAULT_MESSAGES: Record<HarborErrorCode, string> = {
  BAD_REQUEST: 'bad request',
  UNAUTHORIZED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  DENIED: 'denied',
  NOT_FOUND: 'not found',
  METHOD_NOT_ALLOWED: 'method not allowed',
  CONFLICT: 'conflict',
  PRECONDITION: 'precondition failed',
  PAYLOAD_TOO_LARGE: 'request body too large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported media type',
  UNPROCESSABLE_ENTITY: 'unprocessable entity',
  INTERNAL_SERVER_ERROR: 'internal server error',
  SERVICE_UNAVAILABLE: 'service unavailable',
};

export interface HarborErrorBody {
  errors: { code: HarborErrorCode; message: string }[];
}

export function harborErrorBody(code: HarborErrorCode, message?: string): HarborErrorBody {
  return { errors: [{ code, message: message ?? DEFAULT_MESSAGES[code] }] };
}

/** The status a code is answered with, and the reverse for statuses raised by the framework. */
export function statusOf(code: HarborErrorCode): number {
  return HARBOR_ERROR_STATUS[code];
}

export function codeForStatus(status: number): HarborErrorCode {
  const entry = Object.entries(HARBOR_ERROR_STATUS).find(([, s]) => s === status);
  if (entry) return entry[0] as HarborErrorCode;
  return status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
}

/**
 * The one exception handlers raise for an API error. It is an HttpException whose response is
 * already Harbor's body, so it renders correctly even under a filter that is not ours.
 */
export class HarborError extends HttpException {
  readonly code: HarborErrorCode;
  /** True when the cause is logged already (an outage log's line per interval): no line per answer. */
  readonly logged: boolean;

  constructor(code: HarborErrorCode, message?: string, options: { logged?: boolean } = {}) {
    const body = harborErrorBody(code, message);
    super(body, HARBOR_ERROR_STATUS[code]);
    this.code = code;
    this.message = body.errors[0].message;
    this.logged = options.logged ?? false;
  }

  body(): HarborErrorBody {
    return harborErrorBody(this.code, this.message);
  }
}

export const badRequest = (message?: string) => new HarborError('BAD_REQUEST', message);
export const unauthorized = (message?: string) => new HarborError('UNAUTHORIZED', message);
export const forbidden = (message?: string) => new HarborError('FORBIDDEN', message);
export const notFound = (message?: string) => new HarborError('NOT_FOUND', message);
export const conflict = (message?: string) => new HarborError('CONFLICT', message);
export const precondition = (message?: string) => new HarborError('PRECONDITION', message);
export const unprocessable = (message?: string) => new HarborError('UNPROCESSABLE_ENTITY', message);
