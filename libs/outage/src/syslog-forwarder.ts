import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as os from 'node:os';

export type SyslogProtocol = 'tcp' | 'udp';

export interface SyslogTarget {
  host: string;
  port: number;
  protocol: SyslogProtocol;
}

export interface SyslogForwarderOptions {
  /** Lines held while the receiver is slow or away; beyond this, new lines are dropped (and counted in the log). */
  maxPending?: number;
  /** Wait before connecting again after a failed or lost connection. */
  reconnectMs?: number;
  /** The syslog tag (Harbor's is `audit`). */
  tag?: string;
  hostname?: string;
  now?: () => Date;
}

export interface SyslogLog {
  warn(message: string): void;
}

/** LOG_INFO of facility kern (0), the priority Harbor's forwarder sends. */
const PRIORITY = 6;
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Reads a forward endpoint as Harbor's configuration holds it: `host:port` (TCP, Harbor's only
 * transport), or with a scheme, `tcp://host:port` / `udp://host:port`. IPv6 hosts in brackets.
 * Returns a reason when the value is not one.
 */
export function parseSyslogEndpoint(value: string): SyslogTarget | string {
  const match = /^(?:(tcp|udp):\/\/)?(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(value.trim());
  if (!match) return `"${value}" is not a syslog endpoint of the form host:port (optionally tcp:// or udp://)`;
  const port = Number(match[3]);
  if (port < 1 || port > 65_535) return `"${value}": the port must be between 1 and 65535`;
  const host = match[2].startsWith('[') ? match[2].slice(1, -1) : match[2];
  return { host, port, protocol: (match[1] as SyslogProtocol | undefined) ?? 'tcp' };
}

/**
 * The line Go's log/syslog writes to a network endpoint, as Harbor's forwarder sends it: RFC 3164's
 * `<PRI>` with an RFC 3339 timestamp, the host name, `tag[pid]:` and the message, ended by a
 * newline (the framing TCP receivers such as rsyslog split on).
 */
export function syslogLine(message: string, tag: string, hostname: string, at: Date): string {
  const text = message.replace(/[\r\n]+/g, ' ');
  return `<${PRIORITY}>${at.toISOString().replace(/\.\d{3}Z$/, 'Z')} ${hostname} ${tag}[${process.pid}]: ${text}\n`;
}

/**
 * Sends lines to a syslog receiver without ever making the caller wait: `send` queues the line
 * and returns. Over TCP one connection is kept, opened on first use and again `reconnectMs` after
 * it failed or was lost; while there is none, lines are held up to `maxPending` and newer ones are
 * dropped (one warning per episode with the count). A line is sent at most once: a line written
 * into a connection that then breaks may be lost, as with Harbor's forwarder. Over UDP each line is
 * one datagram.
 */
export class SyslogForwarder {
  private readonly pending: string[] = [];
  private readonly maxPending: number;
  private readonly reconnectMs: number;
  private readonly tag: string;
  private readonly hostname: string;
  private readonly now: () => Date;
  private socket: net.Socket | undefined;
  private connected = false;
  private udp: dgram.Socket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private lastFailure = '';
  private closed = false;

  constructor(
    readonly target: SyslogTarget,
    private readonly log: SyslogLog,
    options: SyslogForwarderOptions = {},
  ) {
    this.maxPending = options.maxPending ?? 10_000;
    this.reconnectMs = options.reconnectMs ?? 1_000;
    this.tag = options.tag ?? 'audit';
    this.hostname = options.hostname ?? os.hostname();
    this.now = options.now ?? (() => new Date());
  }

  /** Queues one message; never throws, never waits. */
  send(message: string): void {
    if (this.closed) return;
    const line = syslogLine(message, this.tag, this.hostname, this.now());
    if (this.target.protocol === 'udp') {
      this.sendDatagram(line);
      return;
    }
    if (this.pending.length >= this.maxPending) {
      this.drop();
      return;
    }
    this.pending.push(line);
    this.pump();
  }

  /** Lines not yet handed to a connection. */
  get backlog(): number {
    return this.pending.length;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.destroy();
    this.udp?.close();
    this.pending.length = 0;
  }

  private drop(): void {
    if (this.dropped === 0) this.log.warn(`dropping forwarded audit logs: the syslog endpoint ${this.describe()} is not taking them (${this.lastFailure || 'slow'}), max_pending=${this.maxPending}`);
    this.dropped++;
  }

  private describe(): string {
    return `${this.target.protocol}://${this.target.host}:${this.target.port}`;
  }

  private pump(): void {
    if (this.closed || this.retryTimer) return;
    if (!this.socket) {
      this.connect();
      return;
    }
    if (!this.connected) return;
    // Hand lines over while the socket takes them; a full kernel buffer waits for 'drain'.
    while (this.pending.length > 0) {
      const line = this.pending.shift()!;
      if (!this.socket.write(line)) return;
    }
  }

  private connect(): void {
    const socket = net.connect({ host: this.target.host, port: this.target.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => socket.destroy(new Error('connect timeout')));
    socket.on('connect', () => {
      socket.setTimeout(0);
      this.connected = true;
      if (this.dropped > 0) this.log.warn(`dropped forwarded audit logs while the syslog endpoint ${this.describe()} was unreachable: count=${this.dropped}`);
      this.dropped = 0;
      this.lastFailure = '';
      this.pump();
    });
    socket.on('drain', () => this.pump());
    // The receiver never talks back; reading keeps a half-closed socket from lingering.
    socket.on('data', () => undefined);
    socket.on('error', (err) => {
      this.lastFailure = err.message;
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      const wasConnected = this.connected;
      this.socket = undefined;
      this.connected = false;
      if (this.closed) return;
      if (wasConnected) this.log.warn(`lost the syslog endpoint ${this.describe()}, reconnecting: ${this.lastFailure || 'closed by the receiver'}`);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (this.pending.length > 0) this.pump();
      }, this.reconnectMs);
      this.retryTimer.unref();
    });
  }

  private sendDatagram(line: string): void {
    if (!this.udp) {
      this.udp = dgram.createSocket(net.isIPv6(this.target.host) ? 'udp6' : 'udp4');
      this.udp.unref();
      this.udp.on('error', (err) => this.log.warn(`failed to forward audit logs to ${this.describe()}: ${err.message}`));
    }
    // A datagram in flight: UDP gives no backpressure, so the bound is on what awaits its callback.
    if (this.pending.length >= this.maxPending) {
      this.drop();
      return;
    }
    this.pending.push(line);
    this.udp.send(line.trimEnd(), this.target.port, this.target.host, (err) => {
      this.pending.shift();
      if (err) {
        this.lastFailure = err.message;
        this.drop();
      } else if (this.dropped > 0) {
        this.log.warn(`dropped forwarded audit logs: count=${this.dropped} endpoint=${this.describe()}`);
        this.dropped = 0;
      }
    });
  }
}

/**
 * Checks that a TCP syslog endpoint accepts connections, as Harbor does before it stores one
 * (a UDP endpoint cannot be checked). Resolves to the failure's reason, or undefined.
 */
export function syslogEndpointProblem(target: SyslogTarget, timeoutMs = CONNECT_TIMEOUT_MS): Promise<string | undefined> {
  if (target.protocol === 'udp') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => done('connect timeout'));
    socket.once('connect', () => done(undefined));
    socket.once('error', (err) => done(err.message));
  });
}

/** A forwarder for a configured endpoint, or why the value is not one. */
export function openSyslogForwarder(endpoint: string, log: SyslogLog, options?: SyslogForwarderOptions): SyslogForwarder | string {
  const target = parseSyslogEndpoint(endpoint);
  return typeof target === 'string' ? target : new SyslogForwarder(target, log, options);
}
