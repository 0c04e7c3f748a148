import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { JobQueueUnavailableError } from '@wharf/jobs';
import { DatabaseUnavailableError, OUTAGE_RETRY_AFTER_SECONDS, type OutageLogs } from '@wharf/outage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { codeForStatus, HarborError, HarborErrorBody, harborErrorBody, HarborErrorCode } from './harbor-error';
import type { RouteTable } from './route-table';

/** Framework errors whose own message is safe and useful to show. */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported content type: send application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request body too large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the request body is empty but its content type is application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the request body does not match its Content-Length',
};

/**
 * The one place that writes Harbor's `{"errors":[{"code","message"}]}` body: for HarborError
 * raised by handlers, for Nest's own exceptions (unknown route, failed pipes), for fastify's
 * (unparsable JSON, body too large, wrong content type) and, without details, for anything else.
 * A database outage, and work the job queues' Redis does not take, are SERVICE_UNAVAILABLE (503),
 * which always comes with Retry-After; a database outage goes to the outage log (one line per
 * interval) rather than a stack trace per request.
 */
@Catch()
export class HarborExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('core');

  constructor(
    private readonly routes?: RouteTable,
    private readonly outages?: OutageLogs,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    const { status, body, headers } = this.toResponse(exception, request);
    if (headers) reply.headers(headers);
    if (status === 503) reply.header('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    reply.status(status).type('application/json; charset=utf-8');
    reply.send(request.method === 'HEAD' ? undefined : JSON.stringify(body));
  }

  private toResponse(exception: unknown, request: FastifyRequest): { status: number; body: HarborErrorBody; headers?: Record<string, string> } {
    if (exception instanceof HarborError) {
      if (exception.getStatus() >= 500 && !exception.logged) this.logger.error(`failed to serve ${request.method} ${request.routeOptions.url ?? request.url}: ${exception.message}`);
      return { status: exception.getStatus(), body: exception.body() };
    }
    if (exception instanceof DatabaseUnavailableError) {
      if (this.outages) this.outages.database.report(exception.summary, exception.reason);
      else this.logger.error(exception.message);
      return { status: 503, body: harborErrorBody('SERVICE_UNAVAILABLE', 'the database is unavailable; try again later') };
    }
    // The queues' breaker has logged the failure behind it.
    if (exception instanceof JobQueueUnavailableError) return { status: 503, body: harborErrorBody('SERVICE_UNAVAILABLE', exception.message) };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return this.noRoute(request);
      return { status, body: harborErrorBody(codeForStatus(status), status < 500 ? messageOf(exception) : undefined) };
    }
    const fastifyError = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      const status = fastifyError.statusCode;
      const known = typeof fastifyError.code === 'string' ? FRAMEWORK_MESSAGES[fastifyError.code] : undefined;
      const message = known ?? (typeof fastifyError.message === 'string' ? fastifyError.message : undefined);
      return { status, body: harborErrorBody(codeForStatus(status), message) };
    }
    this.logger.error(`failed to serve ${request.method} ${request.routeOptions?.url ?? request.url}: ${(exception as Error)?.stack ?? String(exception)}`);
    return { status: 500, body: harborErrorBody('INTERNAL_SERVER_ERROR') };
  }

  /** Unknown route: 405 when the path exists under other methods, 404 otherwise. */
  private noRoute(request: FastifyRequest): { status: number; body: HarborErrorBody; headers?: Record<string, string> } {
    const allowed = this.routes?.allowed(request.url) ?? [];
    if (allowed.length > 0) {
      const code: HarborErrorCode = 'METHOD_NOT_ALLOWED';
      return { status: 405, body: harborErrorBody(code, `method ${request.method} is not allowed, only ${allowed.join(', ')}`), headers: { Allow: allowed.join(', ') } };
    }
    return { status: 404, body: harborErrorBody('NOT_FOUND', `no such API endpoint: ${request.method} ${request.url.split('?')[0]}`) };
  }
}

function messageOf(exception: HttpException): string | undefined {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return undefined;
}
