import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { type PrivateDockerd, startPrivateDockerd } from '@wharf/outage/testing';
import { readLayoutBlobs, writeLayoutImage, type LayoutImage } from './testing/oci-image';
import { run, runOk, type RunResult } from './testing/processes';

/**
 * ./install.sh end to end, on a copy of the repository: a plain-HTTP installation used by skopeo
 * and podman, garbage collection through the supervised jobservice, --status, --stop, a re-run
 * that keeps everything, refused configurations, then the same installation over HTTPS with a
 * certificate of a test CA, and the Docker CLI when an engine can run here.
 */

const REPO = resolve(__dirname, '../../..');
const ADMIN_PASSWORD = 'Harbor12345';

/**
 * A free port below Linux's ephemeral range (32768-60999): a port the kernel handed out with
 * `listen(0)` can be taken again as the source port of any outgoing connection (of another test's
 * installation, say) before the service it was meant for binds it.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((res) => {
      const s = createServer();
      s.once('error', () => res(false));
      s.listen(candidate, '127.0.0.1', () => s.close(() => res(true)));
    });
    if (free) return candidate;
  }
}

let root: string;
let copy: string;
let dataVolume: string;
let logDir: string;
let ports: { http: number; https: number; core: number; registry: number };
let host: string;

interface YmlOptions {
  https?: { certificate: string; privateKey: string };
  omitHostname?: boolean;
  unknownKey?: boolean;
  httpPort?: number;
  databasePassword?: string;
}

const FIRST_DB_PASSWORD = 'root123';
/** Quotes, a backslash, "$" and a space: whatever harbor.yml may hold must reach PostgreSQL intact. */
const SECOND_DB_PASSWORD = `n3w pa$$'wo\\rd`;

function harborYml(extra: YmlOptions = {}): string {
  return [
    ...(extra.omitHostname ? [] : ['hostname: 127.0.0.1']),
    'http:',
    `  port: ${extra.httpPort ?? ports.http}`,
    ...(extra.https ? ['https:', `  port: ${ports.https}`, `  certificate: ${extra.https.certificate}`, `  private_key: ${extra.https.privateKey}`] : []),
    `harbor_admin_password: ${ADMIN_PASSWORD}`,
    'database:',
    `  password: ${JSON.stringify(extra.databasePassword ?? FIRST_DB_PASSWORD)}`,
    '  max_idle_conns: 10',
    '  max_open_conns: 40',
    `data_volume: ${dataVolume}`,
    'log:',
    '  level: info',
    '  local:',
    '    rotate_count: 3',
    '    rotate_size: 10M',
    `    location: ${logDir}`,
    'wharf:',
    `  core_port: ${ports.core}`,
    `  registry_port: ${ports.registry}`,
    '  registry_workers: 1',
    ...(extra.unknownKey ? ['no_such_key: 1'] : []),
    '',
  ].join('\n');
}

function installSh(args: string[] = [], configFile = 'harbor.yml'): Promise<RunResult> {
  return run('./install.sh', [...(configFile === 'harbor.yml' ? [] : ['--config', configFile]), ...args], { cwd: copy, timeoutMs: 300_000 });
}

async function installOk(args: string[] = []): Promise<RunResult> {
  const r = await installSh(args);
  if (r.code !== 0) throw new Error(`./install.sh ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Logs in to the bundled PostgreSQL as Wharf's services do; the error code when refused. */
async function databaseLogin(password: string): Promise<string> {
  const client = new Client({ host: join(dataVolume, 'run/postgresql'), user: 'wharf', password, database: 'registry' });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** An HTTP server on 127.0.0.1:`port` answering like a registry would: /v2/ 401, anything else 200 Pong. */
function impostor(port: number): Promise<Server> {
  const server = createHttpServer((req, res) => {
    if (req.url?.startsWith('/v2/')) res.writeHead(401, { 'www-authenticate': 'Bearer realm="x"' }).end('{}');
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('Pong');
  });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(port, '127.0.0.1', () => res(server));
  });
}

const closeServer = (server: Server) => new Promise((r) => server.close(r));
const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

const authfile = () => join(root, 'auth.json');
const skopeo = (args: string[]) => runOk('skopeo', ['--insecure-policy', ...args]);

async function api(base: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: 'Basic ' + Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64'),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
}

async function waitFor(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function pullAndCompare(src: LayoutImage, ref: string, tlsArgs: string[], dest: string): Promise<void> {
  await skopeo(['copy', ...tlsArgs, '--authfile', authfile(), ref, `oci:${dest}:pulled`]);
  const pulled = readLayoutBlobs(dest);
  for (const [digest, bytes] of src.blobs) expect(pulled.get(digest)?.equals(bytes)).toBe(true);
}

beforeAll(async () => {
  // The copy runs the checkout's compiled tree: build it once, so install.sh finds it current.
  await runOk(process.execPath, [join(REPO, 'tools/build.mjs')], { cwd: REPO });
  root = mkdtempSync(join(tmpdir(), 'wharf-install-'));
  // The bundled PostgreSQL runs as its own user and must reach the data volume.
  chmodSync(root, 0o755);
  copy = join(root, 'wharf');
  mkdirSync(copy);
  await runOk('tar', ['-C', REPO, '--exclude=./node_modules', '--exclude=./dist', '--exclude=./data', '--exclude=./.git', '-cf', join(root, 'src.tar'), '.']);
  await runOk('tar', ['-C', copy, '-xf', join(root, 'src.tar')]);
  symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'));
  symlinkSync(join(REPO, 'dist'), join(copy, 'dist'));
  dataVolume = join(root, 'data');
  logDir = join(root, 'log');
  ports = { http: await freePort(), https: await freePort(), core: await freePort(), registry: await freePort() };
  host = `127.0.0.1:${ports.http}`;
  writeFileSync(join(copy, 'harbor.yml'), harborYml());
});

afterAll(async () => {
  if (copy && existsSync(join(copy, 'harbor.yml'))) await installSh(['--stop']);
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('./install.sh over plain HTTP', () => {
  let image: LayoutImage;
  let keyBytes: Buffer;

  it('installs, starts every service and prints how to log in, with the daemon.json line plain HTTP needs', async () => {
    const r = await installOk();
    expect(r.stdout).toContain(`Wharf is running at http://127.0.0.1:${ports.http}`);
    expect(r.stdout).toContain(`web console: http://127.0.0.1:${ports.http}/`);
    expect(r.stdout).toContain(`docker login 127.0.0.1:${ports.http}`);
    expect(r.stdout).toContain(`{"insecure-registries": ["127.0.0.1:${ports.http}"]}`);
    keyBytes = readFileSync(join(dataVolume, 'secret/core/private_key.pem'));
    expect(spawnSync('stat', ['-c', '%a', join(dataVolume, 'secret/core/private_key.pem')], { encoding: 'utf8' }).stdout.trim()).toBe('600');
    expect(spawnSync('stat', ['-c', '%a', join(dataVolume, 'secret')], { encoding: 'utf8' }).stdout.trim()).toBe('700');
  });

  it('serves the web console at the address it printed: index.html for pages, hashed files cached', async () => {
    const page = await fetch(`http://${host}/harbor/projects`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`http://${host}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await asset.arrayBuffer();
    // The API behind the same address is unchanged.
    expect((await fetch(`http://${host}/api/v2.0/ping`)).status).toBe(200);
  });

  it('writes every log, the gateway\'s too, readable by the group only', async () => {
    // A request through the gateway, so that nginx has written to its access log.
    await fetch(`http://${host}/api/v2.0/ping`);
    const logs = readdirSync(logDir).filter((f) => f.endsWith('.log'));
    expect(logs).toEqual(expect.arrayContaining(['gateway-access.log', 'gateway-error.log', 'core.log', 'nginx.log', 'supervisor.log']));
    expect(logs.map((f) => [f, mode(join(logDir, f))])).toEqual(logs.map((f) => [f, '640']));
  });

  it("gives the bundled database harbor.yml's database.password", async () => {
    expect(await databaseLogin(FIRST_DB_PASSWORD)).toBe('ok');
    // 28P01: invalid_password.
    expect(await databaseLogin('Generated-or-anything-else')).toBe('28P01');
  });

  it('takes a private project, a user and an image pushed with skopeo, byte-identical on pull', async () => {
    const base = `http://${host}`;
    expect((await api(base, 'POST', '/api/v2.0/projects', { project_name: 'secret', metadata: { public: 'false' } })).status).toBe(201);
    expect((await api(base, 'POST', '/api/v2.0/users', { username: 'alice', email: 'alice@example.com', realname: 'Alice', password: 'Alice12345' })).status).toBe(201);
    await skopeo(['login', '--tls-verify=false', '--authfile', authfile(), '--username', 'admin', '--password', ADMIN_PASSWORD, host]);
    image = writeLayoutImage(join(root, 'image'), 'v1', 'http');
    await skopeo(['copy', '--dest-tls-verify=false', '--authfile', authfile(), `oci:${image.dir}:v1`, `docker://${host}/secret/app:v1`]);
    await pullAndCompare(image, `docker://${host}/secret/app:v1`, ['--src-tls-verify=false'], join(root, 'pulled-1'));
    // Private: nobody anonymous sees it.
    const anonymous = await run('skopeo', ['--insecure-policy', 'inspect', '--tls-verify=false', '--no-creds', `docker://${host}/secret/app:v1`]);
    expect(anonymous.code).not.toBe(0);
  });

  it('serves podman login and pull', async () => {
    const podmanDir = join(root, 'podman');
    mkdirSync(join(podmanDir, 'xdg'), { recursive: true, mode: 0o700 });
    const podman = (args: string[]) =>
      run('podman', ['--root', join(podmanDir, 'root'), '--runroot', join(podmanDir, 'runroot'), '--storage-driver', 'vfs', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', ...args], {
        env: { ...process.env, XDG_RUNTIME_DIR: join(podmanDir, 'xdg'), XDG_CONFIG_HOME: join(podmanDir, 'config') },
      });
    const login = await podman(['login', '--tls-verify=false', '--username', 'admin', '--password', ADMIN_PASSWORD, host]);
    expect(login.stderr + login.stdout).toMatch(/Login Succeeded/i);
    const pull = await podman(['pull', '--tls-verify=false', `${host}/secret/app:v1`]);
    expect(pull.code).toBe(0);
    const inspect = await podman(['image', 'inspect', '--format', '{{.Digest}}', `${host}/secret/app:v1`]);
    expect(inspect.stdout.trim()).toBe(image.manifestDigest);
  });

  it('runs garbage collection queued by core in the supervised jobservice, keeping what is referenced', async () => {
    const base = `http://${host}`;
    const started = await api(base, 'POST', '/api/v2.0/system/gc/schedule', { schedule: { type: 'Manual' }, parameters: { dry_run: false } });
    expect(started.status).toBe(201);
    const location = started.headers.get('location') ?? '';
    expect(location).toMatch(/^\/api\/v2\.0\/system\/gc\/\d+$/);
    let run: { job_status: string; job_parameters: string } | undefined;
    await waitFor(async () => {
      run = (await (await api(base, 'GET', location)).json()) as { job_status: string; job_parameters: string };
      return !['Pending', 'Running'].includes(run.job_status);
    }, 60_000);
    expect(run?.job_status).toBe('Success');
    expect(JSON.parse(run?.job_parameters ?? '{}')).toMatchObject({ dry_run: false, blobs_deleted: 0 });
    await pullAndCompare(image, `docker://${host}/secret/app:v1`, ['--src-tls-verify=false'], join(root, 'pulled-after-gc'));
  });

  it('--status lists every service running and exits 0', async () => {
    const r = await installOk(['--status']);
    for (const name of ['postgresql', 'redis', 'core', 'registry', 'jobservice', 'nginx']) expect(r.stdout).toMatch(new RegExp(`${name}\\s+running`));
  });

  it('--stop stops everything; --status then exits 3', async () => {
    await installOk(['--stop']);
    const status = await installSh(['--status']);
    expect(status.code).toBe(3);
    expect(status.stdout).toContain('supervisor: stopped');
    await expect(fetch(`http://${host}/v2/`)).rejects.toThrow();
  });

  it.each([
    ['an unknown key', { unknownKey: true }, 'no_such_key'],
    ['a missing hostname', { omitHostname: true }, 'hostname'],
    ['a missing certificate', { https: { certificate: '/nonexistent/server.crt', privateKey: '/nonexistent/server.key' } }, 'https.certificate'],
  ])('refuses a harbor.yml with %s, naming the key, and starts nothing', async (_what, extra, key) => {
    const file = join(root, 'bad.yml');
    writeFileSync(file, harborYml(extra));
    const r = await installSh([], file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(key);
    expect(existsSync(join(dataVolume, 'run/supervisor.pid'))).toBe(false);
    expect((await installSh(['--status'])).code).toBe(3);
  });

  it('runs again keeping users, projects, images and secrets, with the changed database.password', async () => {
    writeFileSync(join(copy, 'harbor.yml'), harborYml({ databasePassword: SECOND_DB_PASSWORD }));
    await installOk();
    expect(await databaseLogin(SECOND_DB_PASSWORD)).toBe('ok');
    expect(await databaseLogin(FIRST_DB_PASSWORD)).toBe('28P01');
    expect(readFileSync(join(dataVolume, 'secret/core/private_key.pem')).equals(keyBytes)).toBe(true);
    const base = `http://${host}`;
    const users = (await (await api(base, 'GET', '/api/v2.0/users?username=alice')).json()) as { username: string }[];
    expect(users.map((u) => u.username)).toContain('alice');
    const project = await api(base, 'GET', '/api/v2.0/projects/secret');
    expect(project.status).toBe(200);
    await pullAndCompare(image, `docker://${host}/secret/app:v1`, ['--src-tls-verify=false'], join(root, 'pulled-2'));
  });
});

describe('./install.sh when things around it change', () => {
  const restore = () => writeFileSync(join(copy, 'harbor.yml'), harborYml({ databasePassword: SECOND_DB_PASSWORD }));
  afterAll(restore);

  it('refuses a new http.port another program holds before stopping the running installation', async () => {
    const squatter = await impostor(await freePort());
    const taken = (squatter.address() as { port: number }).port;
    try {
      writeFileSync(join(copy, 'harbor.yml'), harborYml({ databasePassword: SECOND_DB_PASSWORD, httpPort: taken }));
      const r = await installSh();
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`http.port: port ${taken} is already in use`);
      expect(r.stdout).not.toContain('stopped the running installation');
      // Still serving on its own ports.
      expect((await installSh(['--status'])).code).toBe(0);
      expect((await fetch(`http://${host}/v2/`)).status).toBe(401);
    } finally {
      await closeServer(squatter);
      restore();
    }
  });

  it('--status and --stop act on the running installation while harbor.yml is invalid', async () => {
    writeFileSync(join(copy, 'harbor.yml'), harborYml({ databasePassword: SECOND_DB_PASSWORD, unknownKey: true }));
    try {
      const status = await installSh(['--status']);
      expect(status.code).toBe(0);
      for (const name of ['core', 'registry', 'nginx']) expect(status.stdout).toMatch(new RegExp(`${name}\\s+running`));
      const stop = await installSh(['--stop']);
      expect([stop.code, stop.stdout.trim()]).toEqual([0, 'stopped']);
      expect((await installSh(['--status'])).code).toBe(3);
      await expect(fetch(`http://${host}/v2/`)).rejects.toThrow();
    } finally {
      restore();
    }
  });

  it("fails, naming core and why, when another program takes core's port after the port check", async () => {
    let squatter: Server | undefined;
    let taking: Promise<void> | undefined;
    const child = spawn('./install.sh', [], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      // Printed after the ports were checked, before the supervisor starts core.
      if (!taking && stdout.includes('migrations: ')) taking = impostor(ports.core).then((s) => void (squatter = s));
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    try {
      await taking;
      expect(squatter).toBeDefined();
      expect(stdout).not.toContain('Wharf is running');
      expect(code).toBe(1);
      expect(stderr).toContain('core keeps restarting');
      expect(stderr).toContain('EADDRINUSE');
      expect(stderr).toContain('the installation was stopped');
      expect((await installSh(['--status'])).code).toBe(3);
    } finally {
      if (squatter) await closeServer(squatter);
    }
  });
});

describe('./install.sh over HTTPS', () => {
  let certDir: string;

  beforeAll(async () => {
    certDir = join(root, 'certs');
    mkdirSync(certDir);
    const ssl = (args: string[]) => runOk('openssl', args, { cwd: certDir });
    await ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Wharf Test CA', '-keyout', 'ca.key', '-out', 'ca.crt']);
    await ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr']);
    writeFileSync(join(certDir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    await ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.crt']);
  });

  it('re-installs with the certificate and serves skopeo with TLS verification on', async () => {
    writeFileSync(join(copy, 'harbor.yml'), harborYml({ https: { certificate: join(certDir, 'server.crt'), privateKey: join(certDir, 'server.key') } }));
    const r = await installOk();
    expect(r.stdout).toContain(`https://127.0.0.1:${ports.https}`);
    const tlsHost = `127.0.0.1:${ports.https}`;
    // Only the CA: skopeo's --cert-dir treats *.crt as trusted roots.
    const trust = join(root, 'trust');
    mkdirSync(trust);
    writeFileSync(join(trust, 'ca.crt'), readFileSync(join(certDir, 'ca.crt')));
    await skopeo(['login', '--cert-dir', trust, '--authfile', authfile(), '--username', 'admin', '--password', ADMIN_PASSWORD, tlsHost]);
    const image = writeLayoutImage(join(root, 'image-tls'), 'v2', 'https');
    await skopeo(['copy', '--dest-cert-dir', trust, '--authfile', authfile(), `oci:${image.dir}:v2`, `docker://${tlsHost}/secret/app:v2`]);
    await pullAndCompare(image, `docker://${tlsHost}/secret/app:v2`, ['--src-cert-dir', trust], join(root, 'pulled-tls'));
    // Without the CA, verification fails: TLS really is checked.
    const untrusted = await run('skopeo', ['--insecure-policy', 'inspect', '--authfile', authfile(), `docker://${tlsHost}/secret/app:v2`]);
    expect(untrusted.code).not.toBe(0);
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await fetch(`http://127.0.0.1:${ports.http}/v2/`, { redirect: 'manual' });
    expect([301, 302, 307, 308]).toContain(res.status);
    expect(res.headers.get('location')).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${ports.https}/v2/`));
  });
});

/** Why the Docker CLI test cannot run here, or undefined when dockerd is (now) installed. */
async function provideDockerd(): Promise<string | undefined> {
  const has = () => spawnSync('sh', ['-c', 'command -v dockerd'], { stdio: 'ignore' }).status === 0;
  if (has()) return undefined;
  if (process.getuid?.() !== 0) return 'dockerd is not installed and installing docker.io needs root';
  const policy = await run('apt-cache', ['policy', 'docker.io']);
  if (policy.code !== 0 || /Candidate: \(none\)/.test(policy.stdout) || !policy.stdout.includes('Candidate:')) return 'dockerd is not installed and no docker.io package is available';
  const install = await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'docker.io'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 400_000 });
  if (install.code !== 0 || !has()) return `installing docker.io failed: ${(install.stderr || install.stdout).trim().split('\n').slice(-3).join(' ')}`;
  return undefined;
}

describe('the Docker CLI against the HTTPS installation', () => {
  let skipReason: string | undefined;
  let dockerd: PrivateDockerd | undefined;
  const docker = (args: string[]) =>
    run('docker', ['-H', dockerd?.host ?? '', ...args], { env: { ...process.env, DOCKER_CONFIG: dockerd?.configDir ?? '' }, timeoutMs: 180_000 });

  beforeAll(async () => {
    skipReason = await provideDockerd();
    if (skipReason) return;
    const started = await startPrivateDockerd(join(root, 'docker'));
    if ('skipReason' in started) skipReason = started.skipReason;
    else dockerd = started;
  });

  afterAll(async () => {
    await dockerd?.stop();
  });

  it('docker login, push and pull of a private image', async () => {
    if (skipReason) {
      console.warn(`skipping the Docker CLI test: ${skipReason}`);
      return;
    }
    // Docker treats 127.0.0.0/8 as an insecure registry: no CA set-up is needed.
    const tlsHost = `127.0.0.1:${ports.https}`;
    const image = writeLayoutImage(join(root, 'image-docker'), 'v3', 'docker');
    const archive = join(root, 'docker-image.tar');
    await skopeo(['copy', `oci:${image.dir}:v3`, `docker-archive:${archive}:${tlsHost}/secret/docker:v3`]);
    const load = await docker(['load', '-i', archive]);
    expect(load.code).toBe(0);
    const login = await docker(['login', '--username', 'admin', '--password', ADMIN_PASSWORD, tlsHost]);
    expect(login.stdout + login.stderr).toMatch(/Login Succeeded/);
    const push = await docker(['push', `${tlsHost}/secret/docker:v3`]);
    expect(push.code).toBe(0);
    const pushedId = (await docker(['image', 'inspect', '--format', '{{.Id}}', `${tlsHost}/secret/docker:v3`])).stdout.trim();
    expect((await docker(['rmi', `${tlsHost}/secret/docker:v3`])).code).toBe(0);
    const pull = await docker(['pull', `${tlsHost}/secret/docker:v3`]);
    expect(pull.code).toBe(0);
    expect((await docker(['image', 'inspect', '--format', '{{.Id}}', `${tlsHost}/secret/docker:v3`])).stdout.trim()).toBe(pushedId);
    // Anonymous pulls of the private project are refused.
    await docker(['logout', tlsHost]);
    await docker(['rmi', `${tlsHost}/secret/docker:v3`]);
    expect((await docker(['pull', `${tlsHost}/secret/docker:v3`])).code).not.toBe(0);
  });
});
