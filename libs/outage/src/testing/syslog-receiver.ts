import * as dgram from 'node:dgram';
import { once } from 'node:events';
import * as net from 'node:net';

/**
 * A syslog receiver on 127.0.0.1 for tests: TCP (newline-framed, as rsyslog reads plain TCP
 * syslog) or UDP (one message per datagram). It keeps every line and lets a test wait for the
 * lines it expects; `stop` closes the listener and every connection (the sender sees the
 * receiver go away), `start` listens again on the same port.
 */
export class SyslogReceiver {
  readonly lines: string[] = [];
  private server: net.Server | dgram.Socket | undefined;
  private readonly sockets = new Set<net.Socket>();
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  private constructor(
    readonly protocol: 'tcp' | 'udp',
    public port: number,
  ) {}

  static async start(protocol: 'tcp' | 'udp' = 'tcp', port = 0): Promise<SyslogReceiver> {
    const receiver = new SyslogReceiver(protocol, port);
    await receiver.start();
    return receiver;
  }

  /** `host:port` (TCP) or `udp://host:port`, as the forward endpoint setting takes it. */
  get endpoint(): string {
    return this.protocol === 'udp' ? `udp://127.0.0.1:${this.port}` : `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.protocol === 'udp') {
      const socket = dgram.createSocket('udp4');
      socket.on('message', (msg) => this.add(msg.toString('utf8')));
      socket.bind(this.port, '127.0.0.1');
      await once(socket, 'listening');
      this.port = socket.address().port;
      this.server = socket;
      return;
    }
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      let buffered = '';
      socket.on('data', (chunk) => {
        buffered += chunk.toString('utf8');
        let end: number;
        while ((end = buffered.indexOf('\n')) >= 0) {
          this.add(buffered.slice(0, end));
          buffered = buffered.slice(end + 1);
        }
      });
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    if (server instanceof net.Server) {
      for (const socket of this.sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    } else {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Resolves once a received line matches every pattern (the test's own timeout bounds the wait). */
  waitFor(...patterns: (string | RegExp)[]): Promise<string> {
    const find = () => this.lines.find((line) => patterns.every((p) => (typeof p === 'string' ? line.includes(p) : p.test(line))));
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ test: () => find() !== undefined, resolve: () => resolve(find()!) }));
  }

  private add(line: string): void {
    this.lines.push(line);
    this.waiters = this.waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }
}
