import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

export interface DrainLimits {
  /** Bytes of an unread body read and discarded after the answer; past them the connection is closed. */
  maxBytes: number;
  /** How long the rest of the body may take to arrive. */
  maxMs: number;
}

export const DRAIN_LIMITS: DrainLimits = { maxBytes: 64 * 1024 * 1024, maxMs: 15_000 };

/**
 * The rest of a request body that was answered before it was read (refused by authorization or a
 * size limit, a write that failed midway) is read and discarded after the answer.
 *
 * Clients send their whole body before they read the answer. Closing the connection while their
 * bytes still arrive makes the kernel reset it, and the client then sees EPIPE or ECONNRESET (a
 * gateway: 502) instead of the answer. Leaving the rest unread is worse: node discards the body of
 * a request nobody started to read, but not of one a handler stopped reading, so the connection
 * waits for bytes nobody takes and the next request on it hangs. Draining gives the client its
 * answer and keeps the connection usable; a body past the limits is cut off by closing the
 * connection (the answer has gone out by then).
 */
export function drainUnreadBody(request: IncomingMessage, limits: DrainLimits = DRAIN_LIMITS): void {
  if (request.complete || request.destroyed) return;
  let bytes = 0;
  const done = () => {
    clearTimeout(timer);
    request.off('data', count);
    request.off('end', done);
    request.off('error', done);
    request.off('close', done);
  };
  const cut = () => {
    done();
    request.socket?.destroy();
  };
  const count = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) cut();
  };
  const timer = setTimeout(cut, limits.maxMs);
  timer.unref();
  request.on('data', count);
  request.once('end', done);
  request.once('error', done);
  request.once('close', done);
  request.resume();
}

/**
 * Drains, after every response, what its request left unread (see drainUnreadBody). Fastify
 * answers a body over its size limit with `Connection: close`, which makes node close the
 * connection under the client; that header goes when the rest of the body is within the limits.
 */
export function drainUnreadBodies(fastify: FastifyInstance, limits: DrainLimits = DRAIN_LIMITS): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete && reply.getHeader('connection') === 'close') {
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared <= limits.maxBytes) reply.removeHeader('connection');
    }
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, _reply, done) => {
    drainUnreadBody(request.raw, limits);
    done();
  });
}
