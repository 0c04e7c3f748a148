import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probe } from './health';
import { acquirePidFile } from './pid-file';
import { RotatingLog } from './rotating-log';
import { RUN_MARK, type ServiceSpec, type ServiceState, type ServiceStatus, type SupervisorPlan, type SupervisorState } from './service-spec';

/**
 * The supervisor daemon: `node supervisor.js <services.json>`. Starts each service in order once
 * the one before it is healthy, writes their output to rotated log files, restarts any that dies
 * (with a growing delay) and, on SIGTERM or SIGINT, stops them in reverse order. One per data
 * volume: the pid file is its lock.
 */

const HEALTH_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
/** A service that stayed up this long is considered recovered: its restart delay starts over. */
const STABLE_MS = 60_000;

function log(message: string): void {
  console.log(`${new Date().toISOString()} [supervisor] ${message}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Service {
  child: ChildProcess | null = null;
  state: ServiceState;
  private failures = 0;
  private startedAt = 0;
  private exited: Promise<void> = Promise.resolve();
  private readonly output: RotatingLog;

  constructor(
    readonly spec: ServiceSpec,
    plan: SupervisorPlan,
    private readonly changed: () => void,
    private readonly stopping: () => boolean,
  ) {
    this.state = { name: spec.name, pid: null, status: 'stopped', restarts: 0, since: new Date().toISOString() };
    this.output = new RotatingLog(join(plan.logDir, `${spec.name}.log`), plan.rotateSizeBytes, plan.rotateCount);
  }

  set(status: ServiceStatus): void {
    this.state = { ...this.state, status, pid: this.child?.pid ?? null, since: new Date().toISOString() };
    this.changed();
  }

  /** A line of the supervisor's own in the service's log: where one run starts and ends. */
  private mark(event: string): void {
    this.output.write(`${new Date().toISOString()} ${RUN_MARK} ${event}\n`);
  }

  start(): void {
    const { spec } = this;
    this.startedAt = Date.now();
    this.mark(`starting ${spec.name}`);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid } : {}),
    });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.output.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.output.write(chunk));
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => {
        this.output.write(`failed to start ${spec.command}: ${err.message}\n`);
        log(`failed to start service=${spec.name} error="${err.message}"`);
      });
      child.on('close', (code, signal) => {
        resolve();
        if (this.child !== child) return;
        this.child = null;
        if (this.stopping()) return;
        this.crashed(code, signal);
      });
    });
    this.set('starting');
  }

  private crashed(code: number | null, signal: NodeJS.Signals | null): void {
    if (Date.now() - this.startedAt > STABLE_MS) this.failures = 0;
    this.failures++;
    const delay = Math.min(30_000, 500 * 2 ** (this.failures - 1));
    log(`service exited service=${this.spec.name} code=${code} signal=${signal} restart_in_ms=${delay}`);
    this.mark(`${this.spec.name} exited code=${code} signal=${signal}`);
    this.state = { ...this.state, restarts: this.state.restarts + 1 };
    this.set('restarting');
    setTimeout(() => {
      if (this.stopping() || this.child) return;
      this.start();
      void this.awaitHealthy().then((ok) => ok && this.child && this.set('running'));
    }, delay);
  }

  async awaitHealthy(): Promise<boolean> {
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.stopping()) return false;
      if (!this.child) {
        // Crashed while starting: its restart is already scheduled; keep waiting for it.
        await sleep(300);
        continue;
      }
      if (await this.healthy()) return true;
      await sleep(300);
    }
    return false;
  }

  private healthy(): Promise<boolean> {
    const { health } = this.spec;
    // Whatever answers on the port, a service that has exited is not up.
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(false);
    if (health.kind === 'process') return Promise.resolve(Date.now() - this.startedAt >= health.upForMs);
    return probe(health);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) {
      this.set('stopped');
      return;
    }
    this.set('stopping');
    child.kill(this.spec.stopSignal);
    const timeout = sleep(STOP_TIMEOUT_MS).then(() => 'timeout' as const);
    if ((await Promise.race([this.exited.then(() => 'exited' as const), timeout])) === 'timeout') {
      log(`service did not stop in time; killing service=${this.spec.name}`);
      child.kill('SIGKILL');
      await this.exited;
    }
    this.child = null;
    this.set('stopped');
  }

  closeLog(): void {
    this.output.close();
  }
}

async function main(): Promise<void> {
  const planFile = process.argv[2];
  if (!planFile) throw new Error('usage: supervisor <services.json>');
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as SupervisorPlan;
  const release = acquirePidFile(plan.pidFile);
  let stopping = false;
  const startedAt = new Date().toISOString();
  const services: Service[] = [];

  const writeState = () => {
    const state: SupervisorState = { pid: process.pid, startedAt, services: services.map((s) => s.state) };
    // Written whole and renamed: --status never reads half a file.
    const tmp = `${plan.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
    renameSync(tmp, plan.stateFile);
  };
  for (const spec of plan.services) services.push(new Service(spec, plan, writeState, () => stopping));
  writeState();

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`stopping all services signal=${signal}`);
    for (const service of [...services].reverse()) await service.stop();
    for (const service of services) service.closeLog();
    writeState();
    release();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  log(`started pid=${process.pid} services=${plan.services.map((s) => s.name).join(',')}`);
  for (const service of services) {
    if (stopping) return;
    service.start();
    if (await service.awaitHealthy()) {
      service.set('running');
      log(`service healthy service=${service.spec.name}`);
    } else if (!stopping) {
      // The later services depend on this one: leave the installation stopped and say why.
      log(`service did not become healthy service=${service.spec.name}; see ${service.spec.name}.log`);
      await shutdown('unhealthy');
    }
  }
  log('all services running');
}

main().catch((err: unknown) => {
  log(`failed error="${(err as Error).message}"`);
  process.exit(1);
});
