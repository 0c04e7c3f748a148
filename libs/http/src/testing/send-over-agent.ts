import { type Agent, request as httpRequest } from 'node:http';

export interface SentAnswer {
  status?: number;
  body?: string;
  /** The client's error code when no answer came (EPIPE, ECONNRESET, 'timeout'). */
  error?: string;
}

/**
 * One request through `agent` (give it `keepAlive: true, maxSockets: 1` to send several over one
 * connection, as clients do): what came back, or the error. The timeout runs from the call, not
 * from the socket's idleness: a request queued behind a stuck one has no socket yet.
 */
export function sendOverAgent(
  url: string,
  options: { method: string; agent: Agent; body?: Buffer; headers?: Record<string, string>; timeoutMs?: number },
): Promise<SentAnswer> {
  const { method, agent, body, timeoutMs = 10_000 } = options;
  const headers = { ...(body ? { 'content-type': 'application/octet-stream', 'content-length': String(body.length) } : {}), ...options.headers };
  return new Promise((resolve) => {
    const req = httpRequest(url, { method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    // A server that answers and then closes the connection while the body is still being sent
    // makes the socket fail after the answer was resolved; that is what such a test expects.
    req.on('socket', (socket) => socket.on('error', () => undefined));
    req.end(body);
  });
}
