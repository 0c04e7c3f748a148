import * as net from 'node:net';
import { openSyslogForwarder, parseSyslogEndpoint, SyslogForwarder, syslogEndpointProblem, syslogLine } from './syslog-forwarder';
import { SyslogReceiver } from './testing';

function recorder() {
  const warnings: string[] = [];
  return { warnings, log: { warn: (m: string) => warnings.push(m) } };
}

/** A port nothing listens on (taken and released at once). */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('parseSyslogEndpoint', () => {
  it('reads host:port as TCP, and a tcp:// or udp:// scheme', () => {
    expect(parseSyslogEndpoint('syslog.example:514')).toEqual({ host: 'syslog.example', port: 514, protocol: 'tcp' });
    expect(parseSyslogEndpoint('udp://10.0.0.1:1514')).toEqual({ host: '10.0.0.1', port: 1514, protocol: 'udp' });
    expect(parseSyslogEndpoint('tcp://[::1]:514')).toEqual({ host: '::1', port: 514, protocol: 'tcp' });
  });

  it.each(['syslog.example', 'http://h:514', 'h:0', 'h:70000', 'h:514/x', ' : '])('refuses %j', (value) => {
    expect(typeof parseSyslogEndpoint(value)).toBe('string');
  });
});

describe('syslogLine', () => {
  it("is Go's log/syslog network format: <PRI>RFC 3339 time, host, tag[pid]: message and a newline", () => {
    const line = syslogLine('action:create\nmore', 'audit', 'core-1', new Date('2026-01-02T03:04:05.678Z'));
    expect(line).toBe(`<6>2026-01-02T03:04:05Z core-1 audit[${process.pid}]: action:create more\n`);
  });
});

describe('SyslogForwarder', () => {
  it('sends each message as one line over TCP', async () => {
    const receiver = await SyslogReceiver.start('tcp');
    const { log } = recorder();
    const forwarder = openSyslogForwarder(receiver.endpoint, log) as SyslogForwarder;
    try {
      forwarder.send('first');
      forwarder.send('second');
      await receiver.waitFor('second');
      expect(receiver.lines).toEqual([expect.stringMatching(/^<6>\S+ \S+ audit\[\d+\]: first$/), expect.stringMatching(/: second$/)]);
    } finally {
      forwarder.close();
      await receiver.stop();
    }
  });

  it('sends each message as one datagram over UDP', async () => {
    const receiver = await SyslogReceiver.start('udp');
    const { log } = recorder();
    const forwarder = openSyslogForwarder(receiver.endpoint, log) as SyslogForwarder;
    try {
      forwarder.send('over udp');
      expect(await receiver.waitFor('over udp')).toMatch(/^<6>\S+ \S+ audit\[\d+\]: over udp$/);
    } finally {
      forwarder.close();
      await receiver.stop();
    }
  });

  it('never throws while nobody listens: holds up to maxPending lines, drops the rest with one warning', async () => {
    const { warnings, log } = recorder();
    const forwarder = new SyslogForwarder({ host: '127.0.0.1', port: await closedPort(), protocol: 'tcp' }, log, { maxPending: 3, reconnectMs: 60_000 });
    try {
      for (let i = 0; i < 10; i++) forwarder.send(`line ${i}`);
      expect(forwarder.backlog).toBe(3);
      expect(warnings).toEqual([expect.stringMatching(/^dropping forwarded audit logs: .* max_pending=3$/)]);
    } finally {
      forwarder.close();
    }
  });

  it('reconnects after the receiver went away and came back, and sends what it held', async () => {
    const receiver = await SyslogReceiver.start('tcp');
    const { warnings, log } = recorder();
    const forwarder = new SyslogForwarder({ host: '127.0.0.1', port: receiver.port, protocol: 'tcp' }, log, { reconnectMs: 20 });
    try {
      forwarder.send('before');
      await receiver.waitFor('before');
      await receiver.stop();
      // Lines sent into the dying connection may be lost (as with Harbor's forwarder); those
      // queued once the loss is known are held and sent after the reconnect.
      while (!warnings.some((w) => w.startsWith('lost the syslog endpoint'))) {
        forwarder.send('while down');
        await new Promise((r) => setTimeout(r, 5));
      }
      forwarder.send('held');
      await receiver.start();
      forwarder.send('after');
      await receiver.waitFor('after');
      await receiver.waitFor('held');
    } finally {
      forwarder.close();
      await receiver.stop();
    }
  });
});

describe('syslogEndpointProblem', () => {
  it('accepts a listening TCP endpoint and names why a closed one fails', async () => {
    const receiver = await SyslogReceiver.start('tcp');
    try {
      expect(await syslogEndpointProblem({ host: '127.0.0.1', port: receiver.port, protocol: 'tcp' })).toBeUndefined();
    } finally {
      await receiver.stop();
    }
    expect(await syslogEndpointProblem({ host: '127.0.0.1', port: await closedPort(), protocol: 'tcp' })).toMatch(/ECONNREFUSED/);
  });
});
