import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { api, CoreHarness, createTestProject, startTestCore } from '../testing';
import { NO_BODY } from './schema';

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

function operations(doc: Document): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );
}

function refsOf(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsOf(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refsOf(value, found);
    }
  }
  return found;
}

/**
 * A client of the generated types: each function reads an answer as its type says. A model the
 * document lacks makes its type `never` (the assertions refuse it); a wrong field type fails to compile.
 */
const CLIENT = `
import type { paths } from './api';

type Json<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer T } } } } ? T : never;
type Declared<T> = [T] extends [never] ? false : unknown extends T ? false : true;
function declared<T>(ok: Declared<T>): void { void ok; }

type Project = Json<'/api/v2.0/projects/{project_name_or_id}', 'get'>;
type Artifacts = Json<'/api/v2.0/projects/{project_name}/repositories/{repository_name}/artifacts', 'get'>;
type Me = Json<'/api/v2.0/users/current', 'get'>;
type Robots = Json<'/api/v2.0/robots', 'get'>;
type Created = Json<'/api/v2.0/robots', 'post', 201>;
type Labels = Json<'/api/v2.0/labels', 'get'>;
type Members = Json<'/api/v2.0/projects/{project_name_or_id}/members', 'get'>;
type Quotas = Json<'/api/v2.0/quotas', 'get'>;
type Repositories = Json<'/api/v2.0/projects/{project_name}/repositories', 'get'>;
type Info = Json<'/api/v2.0/systeminfo', 'get'>;
declared<Project>(true);
declared<Artifacts>(true);
declared<Me>(true);
declared<Robots>(true);
declared<Created>(true);
declared<Labels>(true);
declared<Members>(true);
declared<Quotas>(true);
declared<Repositories>(true);
declared<Info>(true);

export function projectSummary(p: Project): { id: number; name: string; public: string; allowlisted: number } {
  return { id: p.project_id, name: p.name, public: p.metadata.public ?? 'false', allowlisted: (p.cve_allowlist.items ?? []).length };
}
export function artifactSizes(list: Artifacts): { digest: string; size: number; tags: string[] }[] {
  return list.map((a) => ({ digest: a.digest, size: a.size, tags: (a.tags ?? []).map((t) => t.name) }));
}
export function whoAmI(me: Me): { id: number; admin: boolean } {
  return { id: me.user_id, admin: me.sysadmin_flag };
}
export function robotNames(list: Robots): string[] {
  // Robot is a request model too: only level and permissions are sure to be there.
  return list.map((r) => r.level + ':' + r.permissions.length + (r.disable ? ' (disabled)' : ''));
}
export function robotSecret(created: Created): string {
  return created.secret;
}
export function labelColors(list: Labels): string[] {
  return list.map((l) => l.color ?? '');
}
export function memberRoles(list: Members): [string, number][] {
  return list.map((m) => [m.entity_name, m.role_id]);
}
export function quotaUse(list: Quotas): number[] {
  return list.map((q) => (q.used['storage'] ?? 0));
}
export function repositoryCounts(list: Repositories): number[] {
  return list.map((r) => r.artifact_count);
}
export function authMode(info: Info): string {
  return info.auth_mode;
}
`;

/**
 * openapi-typescript's v7 API (openapiTS, then astToString) on `doc`, written to dir/api.d.ts. It
 * runs in a Node process of its own: its dependencies are ES modules, which Jest's loader does not take.
 */
async function generateTypes(doc: unknown, dir: string): Promise<void> {
  await writeFile(join(dir, 'doc.json'), JSON.stringify(doc));
  const entry = pathToFileURL(join(dirname(require.resolve('openapi-typescript/package.json')), 'dist', 'index.mjs')).href;
  const script = `
    const { default: openapiTS, astToString } = await import(${JSON.stringify(entry)});
    const { readFile, writeFile } = await import('node:fs/promises');
    const doc = JSON.parse(await readFile(process.argv[1] + '/doc.json', 'utf8'));
    await writeFile(process.argv[1] + '/api.d.ts', astToString(await openapiTS(doc)));
  `;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, dir]);
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  skipLibCheck: true,
  types: [],
};

function compile(dir: string): string[] {
  const program = ts.createProgram([join(dir, 'client.ts')], COMPILER_OPTIONS);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('Wharf’s OpenAPI document (served at /api/v2.0/swagger.json)', () => {
  let core: CoreHarness;
  let doc: Document;
  let dir: string;
  const P = `doc-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    core = await startTestCore();
    await createTestProject(core.url, core.adminAuth, P);
    doc = (await api<Document>(core.url, 'GET', '/api/v2.0/swagger.json')).body;
    dir = await mkdtemp(join(tmpdir(), 'wharf-openapi-'));
  });

  afterAll(async () => {
    await core?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('declares a 2xx answer with a schema for every operation, or says it has no body', () => {
    const undeclared = operations(doc)
      .filter(([, op]) => {
        const ok = Object.entries(op.responses ?? {}).filter(([code]) => code.startsWith('2'));
        return !ok.some(([, r]) => r.description === NO_BODY || Object.values(r.content ?? {}).some((c) => c.schema !== undefined));
      })
      .map(([key]) => key);
    expect(operations(doc).length).toBeGreaterThan(100);
    expect(undeclared).toEqual([]);
  });

  it('resolves every $ref, and names the answers after Harbor’s models', () => {
    const schemas = doc.components?.schemas ?? {};
    const dangling = [...new Set(refsOf(doc))].filter((ref) => !ref.startsWith('#/components/schemas/') || !(ref.slice('#/components/schemas/'.length) in schemas));
    expect(dangling).toEqual([]);
    for (const model of ['Project', 'Repository', 'Artifact', 'Tag', 'Label', 'Robot', 'RobotCreated', 'UserResp', 'UserSearchRespItem', 'ProjectMember', 'ProjectMemberEntity', 'Quota', 'WebhookPolicy', 'WebhookJob', 'AuditLog', 'GCHistory']) {
      expect(Object.keys(schemas)).toContain(model);
    }
    const project = doc.paths['/api/v2.0/projects/{project_name_or_id}']?.['get']?.responses?.['200']?.content?.['application/json']?.schema;
    expect(project).toEqual({ $ref: '#/components/schemas/Project' });
  });

  it('requires no header parameter', () => {
    const required = operations(doc).flatMap(([key, op]) => (op.parameters ?? []).filter((p) => p.in === 'header' && p.required).map((p) => `${key} ${p.name}`));
    expect(required).toEqual([]);
  });

  it('generates TypeScript types (openapi-typescript) that a client compiles against and reads real answers with', async () => {
    await generateTypes(doc, dir);
    await writeFile(join(dir, 'client.ts'), CLIENT);
    expect(compile(dir)).toEqual([]);

    // The compiled client on real answers.
    const js = ts.transpileModule(CLIENT, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    await writeFile(join(dir, 'client.js'), js);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client = require(join(dir, 'client.js')) as Record<string, (answer: unknown) => unknown>;
    const get = async (path: string) => (await api(core.url, 'GET', `/api/v2.0${path}`, { auth: core.adminAuth })).body;
    expect(client['projectSummary'](await get(`/projects/${P}`))).toEqual({ id: expect.any(Number), name: P, public: 'false', allowlisted: 0 });
    expect(client['whoAmI'](await get('/users/current'))).toEqual({ id: 1, admin: true });
    const quotas = (await get('/quotas')) as { used: { storage: number } }[];
    expect(client['quotaUse'](quotas)).toEqual(quotas.map((q) => q.used.storage));
    expect(client['repositoryCounts'](await get(`/projects/${P}/repositories`))).toEqual([]);
    expect(client['authMode'](await get('/systeminfo'))).toBe('db_auth');
  }, 120_000);

  it('fails to compile the client when an answer’s schema is missing or a field has another type', async () => {
    const withoutProject = structuredClone(doc);
    const project = withoutProject.paths['/api/v2.0/projects/{project_name_or_id}']['get'].responses?.['200'];
    if (project) delete project.content;
    await generateTypes(withoutProject, dir);
    await writeFile(join(dir, 'client.ts'), CLIENT);
    expect(compile(dir).length).toBeGreaterThan(0);

    const retyped = structuredClone(doc);
    const artifact = retyped.components?.schemas?.['Artifact'] as { properties: Record<string, unknown> };
    artifact.properties['size'] = { type: 'string' };
    await generateTypes(retyped, dir);
    expect(compile(dir).join('\n')).toMatch(/string.*number|number.*string/);
  }, 120_000);
});
