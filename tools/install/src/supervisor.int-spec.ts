import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './health';
import type { ServiceSpec, SupervisorPlan, SupervisorState } from './service-spec';
import { runOk } from './testing/processes';

/**
 * The supervisor daemon, built and run as install.sh runs it, with small Node programs as
 * services: a service without a port (health `process`) counts as up only once it has stayed up,
 * and the next one starts only then.
 */

const REPO = resolve(__dirname, '../../..');
const SUPERVISOR = join(REPO, 'dist/tools/install/src/supervisor.js');
const UP_FOR_MS = 1500;

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
    `require('node:fs').appendFileSync(${starts}, Date.now() + '\\n');`,
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
    writeFileSync(join(dir, 'services.json'), JSON.stringify(plan));
    supervisor = spawn(process.execPath, [SUPERVISOR, join(dir, 'services.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
    supervisor.stdout?.setEncoding('utf8').on('data', (c: string) => (output += c));
    supervisor.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));

    await waitFor('all services running', async () => output.includes('all services running'), 20_000, 100);
    const [firstRun, secondRun] = starts('worker');
    const [after] = starts('after');
    expect(secondRun).toBeGreaterThan(firstRun);
    // The crashed run never counted: "after" waited for the second run to stay up.
    expect(after - secondRun).toBeGreaterThanOrEqual(UP_FOR_MS);
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
