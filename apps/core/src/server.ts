import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { drainUnreadBodies } from '@wharf/http';
import { INSTANCE_CHALLENGE_HEADER, INSTANCE_PROOF_HEADER, instanceProof } from '@wharf/auth';
import { OutageLogs } from '@wharf/outage';
import { CoreModule } from './app.module';
import type { CoreConfig } from './config';
import { isApiRoute } from './http/api-prefix';
import { registerBodyParsers } from './http/body-parsers';
import { codeForStatus, HarborError, harborErrorBody } from './http/harbor-error';
import { HarborExceptionFilter } from './http/harbor-exception.filter';
import { unstorableTextIn, urlContainsNul } from './http/nul-guard';
import { RouteTable } from './http/route-table';
import { createValidationPipe } from './http/validation';
import type { InfraOptions } from './infra/infra.module';
import { CoreLogger } from './infra/logger';
import { setupOpenApi } from './openapi/openapi';

/** API request bodies are small JSON documents. */
const BODY_LIMIT_BYTES = 1024 * 1024;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** A client's X-Request-Id is echoed when it is sane; otherwise each request gets a fresh one. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\x21-\x7e]{1,128}$/.test(given) ? given : randomUUID();
}

export type CoreAppOptions = InfraOptions;

/** Builds the core HTTP application (not yet listening). */
export async function createCoreApp(config: CoreConfig, options: CoreAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
    exposeHeadRoutes: false,
    genReqId: requestId,
    // Behind a reverse proxy on the same host (the usual TLS front), the client's address comes
    // from X-Forwarded-For: login throttling counts per client, not per proxy.
    trustProxy: config.trustedProxies,
    return503OnClosing: true,
    // Errors the router raises before any route is chosen (undecodable URLs) still answer in
    // Harbor's format.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      void reply
        .code(status)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(harborErrorBody(codeForStatus(status), status === 414 ? 'a path component is too long' : 'malformed request URL')));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(CoreModule.forRoot(config, options), adapter, {
    logger: new CoreLogger(config.logLevel),
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // An answer given before the body was read (too large, refused) must reach the client: the rest
  // of the body is drained after it.
  drainUnreadBodies(fastify);
  registerBodyParsers(fastify);
  const routes = new RouteTable();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url ?? route.path));
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    const proof = instanceProof(config.instanceKey, request.headers[INSTANCE_CHALLENGE_HEADER]);
    if (proof) reply.header(INSTANCE_PROOF_HEADER, proof);
    // Harbor's API consumes JSON only; a form or text body would otherwise be parsed and half-understood.
    const type = request.headers['content-type'];
    if (isApiRoute(request) && METHODS_WITH_BODY.has(request.method) && type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
      done(new HarborError('UNSUPPORTED_MEDIA_TYPE', `unsupported content type ${JSON.stringify(type)}: send application/json`));
      return;
    }
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (!isApiRoute(request)) {
      done();
      return;
    }
    if (urlContainsNul(request.url)) {
      done(new HarborError('BAD_REQUEST', 'NUL characters are not allowed in request URLs'));
      return;
    }
    const unstorable = unstorableTextIn(request.body);
    done(unstorable === undefined ? undefined : new HarborError('BAD_REQUEST', unstorable));
  });
  app.useGlobalFilters(new HarborExceptionFilter(routes, app.get(OutageLogs)));
  app.useGlobalPipes(createValidationPipe());
  setupOpenApi(app);
  return app;
}

/** The port the application actually listens on (for port 0). */
export function listeningPort(app: NestFastifyApplication): number {
  const address = app.getHttpServer().address();
  return typeof address === 'object' && address ? address.port : 0;
}

export async function startCore(config: CoreConfig, options: CoreAppOptions = {}): Promise<NestFastifyApplication> {
  const app = await createCoreApp(config, options);
  await app.listen(config.port, config.host);
  new Logger('core').log(`listening on http://${config.host}:${listeningPort(app)} (pid ${process.pid})`);
  return app;
}

/** Stops serving, then closes the database pool and Redis (InfraModule's shutdown hook). */
export async function closeCore(app: NestFastifyApplication): Promise<void> {
  await app.close();
}
