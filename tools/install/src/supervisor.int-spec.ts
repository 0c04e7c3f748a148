import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './health';
import type { ServiceSpec, SupervisorPlan, SupervisorState } from './service-spec';
import { runOk } from './testing/processes';

/**
 * The supervisor daemon, built and run as install.sh runs it, with small Node programs as
 * services: a service without a port (health `process`) counts as up only once it has stayed up,
 * and the next one starts only then; a service whose port another program answers on never
 * counts as up.
 */

const REPO = resolve(__dirname, '../../..');
const SUPERVISOR = join(REPO, 'dist/tools/install/src/supervisor.js');
const UP_FOR_MS = 1500;
/** A spawned process's own start may lag the supervisor's spawn by this much. */
const EXEC_SLACK_MS = 100;

let dir: string;
let supervisor: ChildProcess | undefined;
let output = '';

/**
 * A program that records when it started and, on SIGTERM, that it stopped; it exits 1 on its
 * first run when `crashFirst`.
 */
function program(name: string, crashFirst: boolean): string {
  const marker = JSON.stringify(join(dir, `${name}.crashed`));
  const starts = JSON.stringify(join(dir, `${name}.starts`));
  return [
    // When the process began (not when its script ran): the supervisor's clock starts at the spawn,
    // and how long each node takes to boot varies on a busy machine.
    `require('node:fs').appendFileSync(${starts}, Math.round(performance.timeOrigin) + '\\n');`,
    crashFirst ? `if (!require('node:fs').existsSync(${marker})) { require('node:fs').writeFileSync(${marker}, ''); setTimeout(() => process.exit(1), 300); }` : '',
    'setInterval(() => undefined, 1000);',
    `process.on('SIGTERM', () => { require('node:fs').appendFileSync(${JSON.stringify(join(dir, 'stops'))}, '${name}\\n'); process.exit(0); });`,
  ].join('\n');
}

function service(name: string, crashFirst: boolean): ServiceSpec {
  return {
    name,
    command: process.execPath,
    args: ['-e', program(name, crashFirst)],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    cwd: dir,
    health: { kind: 'process', upForMs: UP_FOR_MS },
    stopSignal: 'SIGTERM',
  };
}

function startSupervisor(plan: SupervisorPlan, planDir: string): ChildProcess {
  writeFileSync(join(planDir, 'services.json'), JSON.stringify(plan));
  const child = spawn(process.execPath, [SUPERVISOR, join(planDir, 'services.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));
  return child;
}

const starts = (name: string) => readFileSync(join(dir, `${name}.starts`), 'utf8').trim().split('\n').map(Number);
const state = () => JSON.parse(readFileSync(join(dir, 'supervisor.json'), 'utf8')) as SupervisorState;

beforeAll(async () => {
  await runOk(process.execPath, [join(REPO, 'tools/build.mjs')], { cwd: REPO });
  dir = mkdtempSync(join(tmpdir(), 'wharf-supervisor-'));
});

afterAll(() => {
  if (supervisor?.exitCode === null) supervisor.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the supervisor with services that serve no port', () => {
  it('starts the next service only after the previous one stayed up, not counting a run that crashed', async () => {
    const plan: SupervisorPlan = {
      services: [service('worker', true), service('after', false)],
      pidFile: join(dir, 'supervisor.pid'),
      stateFile: join(dir, 'supervisor.json'),
      logDir: dir,
      rotateSizeBytes: 1024 * 1024,
      rotateCount: 1,
    };
    supervisor = startSupervisor(plan, dir);

    await waitFor('all services running', async () => output.includes('all services running'), 20_000, 100);
    const [firstRun, secondRun] = starts('worker');
    const [after] = starts('after');
    expect(secondRun).toBeGreaterThan(firstRun);
    // The crashed run never counted: "after" waited for the second run to stay up (less the time
    // the second run's exec took after the supervisor's clock had started).
    expect(after - secondRun).toBeGreaterThanOrEqual(UP_FOR_MS - EXEC_SLACK_MS);
    expect(output).toMatch(/service exited service=worker code=1/);
    expect(state().services.map((s) => [s.name, s.status, s.restarts])).toEqual([
      ['worker', 'running', 1],
      ['after', 'running', 0],
    ]);
  });

  it('stops them in reverse order on SIGTERM and releases its pid file', async () => {
    const pids = state().services.map((s) => s.pid);
    const exited = new Promise<number | null>((r) => supervisor?.once('exit', r));
    supervisor?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(readFileSync(join(dir, 'stops'), 'utf8').trim().split('\n')).toEqual(['after', 'worker']);
    expect(state().services.map((s) => s.status)).toEqual(['stopped', 'stopped']);
    expect(pids.every((pid) => typeof pid === 'number' && pid > 0)).toBe(true);
    for (const pid of pids) expect(() => process.kill(pid as number, 0)).toThrow();
    expect(existsSync(join(dir, 'supervisor.pid'))).toBe(false);
  });
});

describe('the supervisor with a service whose port another program holds', () => {
  const KEY = 'instance-key-of-this-supervised-test';
  let sub: string;
  let web: ChildProcess | undefined;
  let squatter: Server;
  let port: number;
  const webState = () => (JSON.parse(readFileSync(join(sub, 'supervisor.json'), 'utf8')) as SupervisorState).services[0];

  /** Serves its instance proof on `port`, as core and the registry do; dies if the port is taken. */
  const program = [
    `const { instanceProof } = require(${JSON.stringify(join(REPO, 'dist/libs/auth/src/instance-proof.js'))});`,
    "require('node:http').createServer((req, res) => {",
    "  const proof = instanceProof(process.env.INSTANCE_KEY, req.headers['x-wharf-challenge']);",
    "  if (proof) res.setHeader('x-wharf-proof', proof);",
    "  res.end('ok');",
    "}).listen(Number(process.env.PORT), '127.0.0.1');",
    "process.on('SIGTERM', () => process.exit(0));",
  ].join('\n');

  beforeAll(async () => {
    sub = join(dir, 'squatted');
    mkdirSync(sub);
    // Answers 200 to everything, as another web server (or another registry) would.
    squatter = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    port = (squatter.address() as AddressInfo).port;
    const plan: SupervisorPlan = {
      services: [
        {
          name: 'web',
          command: process.execPath,
          args: ['-e', program],
          env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', PORT: String(port), INSTANCE_KEY: KEY },
          cwd: sub,
          health: { kind: 'http', url: `http://127.0.0.1:${port}/`, instanceKey: KEY },
          stopSignal: 'SIGTERM',
        },
      ],
      pidFile: join(sub, 'supervisor.pid'),
      stateFile: join(sub, 'supervisor.json'),
      logDir: sub,
      rotateSizeBytes: 1024 * 1024,
      rotateCount: 1,
    };
    web = startSupervisor(plan, sub);
  });

  afterAll(async () => {
    if (web?.exitCode === null) {
      const exited = new Promise((r) => web?.once('exit', r));
      web.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => squatter.close(r));
  });

  it('never counts it as up while the other program answers there, and logs where each run ended', async () => {
    const seen = new Set<string>();
    await waitFor(
      'two restarts of web',
      async () => {
        if (!existsSync(join(sub, 'supervisor.json'))) return false;
        seen.add(webState().status);
        return webState().restarts >= 2;
      },
      30_000,
      50,
    );
    expect(seen.has('running')).toBe(false);
    const log = readFileSync(join(sub, 'web.log'), 'utf8');
    expect(log).toContain('EADDRINUSE');
    expect(log).toMatch(/\[supervisor\] starting web\n/);
    expect(log).toMatch(/\[supervisor\] web exited code=1 signal=null\n/);
  });

  it('counts it as up once it serves the port itself, proving it', async () => {
    await new Promise((r) => squatter.close(r));
    await waitFor('web running', async () => webState().status === 'running', 30_000, 100);
    expect(webState().pid).toEqual(expect.any(Number));
  });
});
