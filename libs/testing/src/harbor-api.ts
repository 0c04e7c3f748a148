/** The `Authorization` header value of Basic credentials. */
export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON, the text when it is not JSON, undefined when empty. */
  body: T;
}

export interface ApiRequest {
  /** An `Authorization` header value (see basicAuthHeader). */
  auth?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Ends the call (a test telling a hang from an answer). */
  signal?: AbortSignal;
}

/** One call of the core API at `url` (`path` starts with /api/v2.0/...). */
export async function api<T = unknown>(url: string, method: string, path: string, req: ApiRequest = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...req.headers };
  if (req.auth) headers['Authorization'] = req.auth;
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${url}${path}`, { method, headers, body, signal: req.signal });
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** The first error code of a Harbor error body; throws when the body is not one. */
export function errorCode(res: ApiResponse): string {
  const errors = (res.body as { errors?: { code: string; message: string }[] } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) throw new Error(`expected a Harbor error body, got ${res.status} ${JSON.stringify(res.body)}`);
  return errors[0].code;
}

/** The id at the end of a `Location` header. */
export function locationId(res: ApiResponse): number {
  const location = res.headers.get('location') ?? '';
  const id = Number(location.slice(location.lastIndexOf('/') + 1));
  if (!Number.isInteger(id) || id <= 0) throw new Error(`no id in Location ${JSON.stringify(location)} (status ${res.status})`);
  return id;
}

export interface TestUser {
  id: number;
  username: string;
  password: string;
  auth: string;
}

/** Creates a local user (as the admin of `adminAuth`) with a valid profile; returns its credentials. */
export async function createTestUser(url: string, adminAuth: string, username: string, password = 'Passw0rd!x'): Promise<TestUser> {
  const res = await api(url, 'POST', '/api/v2.0/users', {
    auth: adminAuth,
    body: { username, password, email: `${username}@example.com`, realname: username },
  });
  if (res.status !== 201) throw new Error(`create user ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: locationId(res), username, password, auth: basicAuthHeader(username, password) };
}

/** Creates a project as the caller of `auth`; returns its id. */
export async function createTestProject(url: string, auth: string, name: string, isPublic = false): Promise<number> {
  const res = await api(url, 'POST', '/api/v2.0/projects', { auth, body: { project_name: name, metadata: { public: String(isPublic) } } });
  if (res.status !== 201) throw new Error(`create project ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return locationId(res);
}

/** Adds a user to a project with a role id (1 projectAdmin .. 5 limitedGuest); returns the member id. */
export async function addTestMember(url: string, auth: string, project: string | number, username: string, roleId: number): Promise<number> {
  const res = await api(url, 'POST', `/api/v2.0/projects/${project}/members`, { auth, body: { role_id: roleId, member_user: { username } } });
  if (res.status !== 201) throw new Error(`add member ${username} to ${project} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return locationId(res);
}

/** One user per project role, and an outsider: the cast permission tests use. */
export const ROLE_CAST = { alice: 1, dave: 2, gina: 3, maria: 4, lena: 5, mallory: 0 } as const;
export type CastMember = keyof typeof ROLE_CAST;

/**
 * Creates the users of the cast (or some of them) and makes each a member of `project` with its
 * role (ids 1-5: admin, developer, guest, maintainer, limited guest; mallory joins nothing).
 */
export async function createRoleCast<N extends CastMember = CastMember>(
  url: string,
  adminAuth: string,
  project: string,
  names: readonly N[] = Object.keys(ROLE_CAST) as N[],
): Promise<Record<N, TestUser>> {
  const cast = {} as Record<N, TestUser>;
  for (const name of names) {
    cast[name] = await createTestUser(url, adminAuth, name);
    if (ROLE_CAST[name] > 0) await addTestMember(url, adminAuth, project, name, ROLE_CAST[name]);
  }
  return cast;
}
