import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INSTANCE_CHALLENGE_HEADER, INSTANCE_PROOF_HEADER, instanceProof } from '@wharf/auth';
import { crashLooping, entryPointAnswers, lastRun } from './readiness';
import type { SupervisorState } from './service-spec';

const KEY = 'the-instance-key-of-this-installation';

/** A gateway stand-in: /v2/ 401 and /api/v2.0/ping Pong, as Wharf (or Harbor) answers them. */
function gateway(proofKey: string | undefined): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const proof = instanceProof(proofKey, req.headers[INSTANCE_CHALLENGE_HEADER]);
    if (proof) res.setHeader(INSTANCE_PROOF_HEADER, proof);
    if (req.url === '/v2/') res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    else if (req.url === '/api/v2.0/ping') res.writeHead(200).end('Pong');
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

describe('entryPointAnswers', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  it('is not fooled by another registry answering on the port, only by this installation', async () => {
    const other = await gateway('the-key-of-another-installation');
    const unkeyed = await gateway(undefined);
    const ours = await gateway(KEY);
    servers.push(other.server, unkeyed.server, ours.server);
    const target = (url: string) => ({ gatewayUrl: url, hostHeader: 'reg.example.com', instanceKey: KEY });
    expect(await entryPointAnswers(target(other.url))).toBe(false);
    expect(await entryPointAnswers(target(unkeyed.url))).toBe(false);
    expect(await entryPointAnswers(target(ours.url))).toBe(true);
  });

  it('says false while nothing listens', async () => {
    const gone = await gateway(KEY);
    await new Promise((r) => gone.server.close(r));
    expect(await entryPointAnswers({ gatewayUrl: gone.url, hostHeader: 'x', instanceKey: KEY })).toBe(false);
  });
});

describe('crashLooping', () => {
  const state = (pid: number, restarts: number[]): SupervisorState => ({
    pid,
    startedAt: '2026-01-01T00:00:00.000Z',
    services: restarts.map((r, i) => ({ name: ['redis', 'core', 'nginx'][i], pid: null, status: 'restarting', restarts: r, since: '' })),
  });

  it('names the first service of this supervisor that restarted three times', () => {
    expect(crashLooping(state(10, [0, 3, 5]), 10)?.name).toBe('core');
    expect(crashLooping(state(10, [0, 2, 1]), 10)).toBeUndefined();
  });

  it('ignores the state an earlier supervisor left', () => {
    expect(crashLooping(state(9, [0, 7, 0]), 10)).toBeUndefined();
    expect(crashLooping(undefined, 10)).toBeUndefined();
  });
});

describe('lastRun', () => {
  it("returns what the last run that ended said, up to its exit, not the start of the run after it", () => {
    const log = [
      '2026-01-01T00:00:00.000Z [supervisor] starting core',
      'booting',
      'Error: listen EADDRINUSE: address already in use 127.0.0.1:8080 (first run)',
      '2026-01-01T00:00:01.000Z [supervisor] core exited code=1 signal=null',
      '2026-01-01T00:00:02.000Z [supervisor] starting core',
      'booting',
      'Error: listen EADDRINUSE: address already in use 127.0.0.1:8080',
      '    at Server.setupListenHandle',
      '2026-01-01T00:00:03.000Z [supervisor] core exited code=1 signal=null',
      '2026-01-01T00:00:05.000Z [supervisor] starting core',
      'booting again',
      '',
    ].join('\n');
    expect(lastRun(log)).toEqual([
      'booting',
      'Error: listen EADDRINUSE: address already in use 127.0.0.1:8080',
      '    at Server.setupListenHandle',
      '2026-01-01T00:00:03.000Z [supervisor] core exited code=1 signal=null',
    ]);
    expect(lastRun(log, 2)).toEqual(['    at Server.setupListenHandle', '2026-01-01T00:00:03.000Z [supervisor] core exited code=1 signal=null']);
  });

  it('falls back to the last lines of a log without an exit', () => {
    expect(lastRun('a\nb\nc\n', 2)).toEqual(['b', 'c']);
  });
});
