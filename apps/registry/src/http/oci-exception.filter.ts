import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Injectable, Logger } from '@nestjs/common';
import { OciError, ociErrorBody, OciErrorCode } from '@wharf/oci';
import { DatabaseUnavailableError, OUTAGE_RETRY_AFTER_SECONDS, OutageLogs } from '@wharf/outage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isOutOfSpace, outOfSpace } from '../infra/storage-space';

/** Statuses the router or Nest raise themselves, mapped onto the spec's codes. */
const HTTP_STATUS_CODES: Record<number, OciErrorCode> = {
  400: 'BLOB_UPLOAD_INVALID',
  401: 'UNAUTHORIZED',
  403: 'DENIED',
  404: 'NOT_FOUND',
  405: 'UNSUPPORTED',
  413: 'SIZE_INVALID',
  429: 'TOOMANYREQUESTS',
};

/**
 * The one place that writes the `{"errors":[...]}` body of the Distribution API. A database
 * outage is UNAVAILABLE (503) with Retry-After, as is every 503, and goes to the outage log (one
 * line per interval) rather than a stack trace per request.
 */
@Injectable()
@Catch()
export class OciExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('registry');

  constructor(private readonly outages: OutageLogs) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const error = this.toOciError(exception, request);

    if (reply.sent || reply.raw.headersSent) {
      // The response was already streaming: the only honest signal left is to cut the connection.
      reply.raw.destroy();
      return;
    }
    // A body left unread is drained after the answer (see drainUnreadBodies in server.ts): closing
    // the connection now would reset it under the client, who would never see this answer.
    reply.headers(error.status === 503 ? { 'Retry-After': String(OUTAGE_RETRY_AFTER_SECONDS), ...error.headers } : error.headers);
    reply.status(error.status).type('application/json; charset=utf-8');
    const body = JSON.stringify(ociErrorBody([error.toEntry()]));
    if (request.method !== 'HEAD') {
      reply.send(body);
      return;
    }
    // A HEAD answer carries the length a GET's body would have and no body. Without a length,
    // HTTP/1.1 clients must assume the body runs to the end of the connection, and node's client
    // (among others) then closes the connection after every HEAD of a blob the registry lacks.
    reply.header('Content-Length', Buffer.byteLength(body));
    reply.send();
  }

  private toOciError(exception: unknown, request: FastifyRequest): OciError {
    if (exception instanceof OciError) {
      if (exception.status >= 500) this.logger.error(`failed to serve request ${request.method} ${request.url}: ${exception.message}`);
      return exception;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = HTTP_STATUS_CODES[status];
      if (code) return new OciError(code, status === 404 ? 'no such route' : exception.message, undefined, {}, status);
    }
    if (exception instanceof DatabaseUnavailableError) {
      this.outages.database.report(exception.summary, exception.reason);
      return new OciError('UNAVAILABLE', 'the database is unavailable; try again later');
    }
    const err = exception as Error & { code?: string };
    if (isOutOfSpace(err)) {
      this.logger.error(`failed to store ${request.method} ${request.url}: no space left: ${err.message}`);
      return outOfSpace(err.code === '53100' ? 'the database cannot write' : 'a write ran out of space');
    }
    // Only while the body is still arriving: once it has been read, node marks the request
    // destroyed as well, and a failure after that point is ours, not the client's.
    if (!request.raw.complete && (err?.message === 'aborted' || err?.code === 'ECONNRESET' || request.raw.destroyed)) {
      // The client went away mid-request: nothing to answer and nothing wrong on our side.
      this.logger.debug(`client closed the connection during ${request.method} ${request.url}`);
      return new OciError('BLOB_UPLOAD_INVALID', 'client closed the connection');
    }
    this.logger.error(`failed to serve request ${request.method} ${request.url}: ${err?.stack ?? String(exception)}`);
    return new OciError('UNKNOWN', 'internal error');
  }
}
