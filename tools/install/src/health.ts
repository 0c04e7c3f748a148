import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { join } from 'node:path';
import { INSTANCE_CHALLENGE_HEADER, INSTANCE_PROOF_HEADER, instanceProofValid, newInstanceChallenge } from '@wharf/auth';
import type { ProbeCheck } from './service-spec';

/** One attempt of a service's health check; resolves false instead of throwing. */
export function probe(check: ProbeCheck, timeoutMs = 2000): Promise<boolean> {
  switch (check.kind) {
    case 'postgres':
      return postgresReady(check.socketDir, timeoutMs);
    case 'redis':
      return redisPing(check.socket, timeoutMs);
    case 'http':
      return provenGet(check.url, check.instanceKey, { timeoutMs }).then((r) => r.status === 200 && r.proven, () => false);
  }
}

/** pg_isready when it is there (it knows "starting up" from "ready"), else the socket accepting. */
function postgresReady(socketDir: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('pg_isready', ['-q', '-h', socketDir, '-t', String(Math.ceil(timeoutMs / 1000))], { stdio: 'ignore' });
    child.on('error', () => resolve(socketAccepts(join(socketDir, '.s.PGSQL.5432'), timeoutMs)));
    child.on('exit', (code) => resolve(code === 0));
  });
}

function socketAccepts(path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => done(true));
    socket.on('error', () => done(false));
  });
}

export function redisPing(path: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A GET that can address the gateway by IP while sending the configured hostname (which may not
 * resolve on this machine). Certificates are not verified: this checks liveness, not trust.
 */
export function httpGet(url: string, options: { timeoutMs?: number; hostHeader?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'GET',
        headers: { ...options.headers, ...(options.hostHeader ? { host: options.hostHeader } : {}) },
        rejectUnauthorized: false,
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          if (body.length < 65536) body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A GET that challenges the answering service to prove it belongs to this installation
 * (@wharf/auth's instance proof). Without a key, every answer counts as proven.
 */
export async function provenGet(url: string, instanceKey: string | undefined, options: { timeoutMs?: number; hostHeader?: string } = {}): Promise<HttpResult & { proven: boolean }> {
  if (instanceKey === undefined) return { ...(await httpGet(url, options)), proven: true };
  const challenge = newInstanceChallenge();
  const result = await httpGet(url, { ...options, headers: { [INSTANCE_CHALLENGE_HEADER]: challenge } });
  return { ...result, proven: instanceProofValid(instanceKey, challenge, result.headers[INSTANCE_PROOF_HEADER]) };
}

/**
 * Polls `check` until it is true or the time is up. An error thrown by `check` ends the wait
 * with that error: checks return false for what may still change and throw for what will not.
 */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 300): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
