import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { WORKER_V8_FLAGS } from '../src/v8-flags';
import { RegistryProcess } from '@wharf/testing';

/** The command line of a running process, argument by argument. */
function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
}

describe('registry cluster workers', () => {
  let registry: RegistryProcess;
  const workers = () => registry.survivors().filter((pid) => pid !== registry.pid);

  beforeAll(async () => {
    registry = await RegistryProcess.start({ workers: 2 });
  }, 60_000);

  afterAll(async () => {
    await registry?.dispose();
  });

  it('start with the heap settings the registry gives them, and so does a worker that replaces a dead one', async () => {
    const first = workers();
    expect(first).toHaveLength(2);
    for (const pid of first) expect(commandLine(pid)).toEqual(expect.arrayContaining([...WORKER_V8_FLAGS]));

    process.kill(first[0], 'SIGKILL');
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(workers().length === 2 && !workers().includes(first[0]))) await sleep(100);
    const replacement = workers().filter((pid) => !first.includes(pid));
    expect(replacement).toHaveLength(1);
    expect(commandLine(replacement[0])).toEqual(expect.arrayContaining([...WORKER_V8_FLAGS]));
    const res = await fetch(`${registry.url}/v2/`);
    expect(res.status).toBe(200);
  }, 40_000);
});
