/**
 * The console's one way to the API. The browser's session cookie rides along (same origin); the
 * CSRF token that every answer carries is kept in memory only and sent back on state changes, as
 * Harbor's portal does. Errors become {@link ApiError} with Harbor's messages.
 */

export const CSRF_HEADER = 'X-Harbor-CSRF-Token';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** Called when an API answer says the session is gone (401), so the console can sign in again. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

export interface HarborErrorItem {
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: HarborErrorItem[],
  ) {
    super(errors.map((e) => e.message).join('; ') || `HTTP ${status}`);
    this.name = 'ApiError';
  }

  get code(): string | undefined {
    return this.errors[0]?.code;
  }
}

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Answers with this status do not call the unauthenticated handler (the sign-in form's own 401). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Headers;
  /** X-Total-Count of list answers. */
  total?: number;
}

export function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function parseErrors(response: Response): Promise<HarborErrorItem[]> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { errors?: HarborErrorItem[] };
    if (Array.isArray(body.errors)) return body.errors.map((e) => ({ code: String(e.code ?? ''), message: String(e.message ?? '') }));
  } catch {
    // Not Harbor's error body: a gateway page, say.
  }
  return [{ code: response.statusText || 'ERROR', message: text.slice(0, 300) || `HTTP ${response.status}` }];
}

function remember(response: Response): void {
  const token = response.headers.get(CSRF_HEADER);
  if (token) csrfToken = token;
}

/** The CSRF token for the next state change: any API answer hands one out. */
async function ensureCsrfToken(): Promise<string | null> {
  if (csrfToken) return csrfToken;
  const response = await fetch('/api/v2.0/systeminfo', { credentials: 'same-origin' });
  remember(response);
  await response.body?.cancel();
  return csrfToken;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (!SAFE.has(method)) {
    const token = await ensureCsrfToken();
    if (token) headers[CSRF_HEADER] = token;
  }
  const response = await fetch(buildUrl(path, options.query), { method, headers, body, credentials: 'same-origin', signal: options.signal });
  remember(response);
  return response;
}

export async function request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  let response = await send(method, path, options);
  // A token that no longer matches (a new session, a restarted key): the refusal carries the right one.
  if (response.status === 403 && !SAFE.has(method)) {
    const errors = await parseErrors(response.clone());
    if (errors.some((e) => /CSRF/i.test(e.message))) response = await send(method, path, options);
  }
  if (!response.ok) {
    const errors = await parseErrors(response);
    if (response.status === 401 && !options.quiet401) onUnauthenticated?.();
    throw new ApiError(response.status, errors);
  }
  const text = response.status === 204 ? '' : await response.text();
  let data: unknown = text;
  if (text && (response.headers.get('Content-Type') ?? '').includes('json')) data = JSON.parse(text);
  const total = response.headers.get('X-Total-Count');
  return { status: response.status, data: data as T, headers: response.headers, total: total === null ? undefined : Number(total) };
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options).then((r) => r.data),
  list: <T>(path: string, options?: RequestOptions) => request<T[]>('GET', path, options).then((r) => ({ items: r.data ?? [], total: r.total ?? (r.data ?? []).length })),
  post: <T = unknown>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T = unknown>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T = unknown>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  delete: <T = unknown>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};

/** Forgets the CSRF token (after logout the next answer hands out one for no session). */
export function resetCsrfToken(): void {
  csrfToken = null;
}

/** Path segments as Harbor expects them: a repository name's slashes are encoded twice. */
export function repoPath(repository: string): string {
  return encodeURIComponent(encodeURIComponent(repository));
}

export const API = '/api/v2.0';
