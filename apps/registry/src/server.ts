import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Pool } from 'pg';
import { drainUnreadBodies } from '@wharf/http';
import { INSTANCE_CHALLENGE_HEADER, INSTANCE_PROOF_HEADER, instanceProof } from '@wharf/auth';
import { ociErrorBody } from '@wharf/oci';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RegistryModule } from './app.module';
import { loadVerificationKey } from './auth/verification-key';
import type { RegistryConfig } from './config';
import { rewriteRegistryUrl } from './http/route-rewrite';
import { RegistryLogger } from './infra/logger';
import { DB_POOL } from './infra/tokens';

/** Builds the data-plane HTTP application (not yet listening). */
export async function createRegistryApp(config: RegistryConfig): Promise<NestFastifyApplication> {
  // Checked before Nest starts: a provider failing during Nest's start-up aborts the process
  // instead of reporting the reason to the caller.
  if (config.auth.mode === 'token') loadVerificationKey(config.auth);
  const adapter = new FastifyAdapter({
    rewriteUrl: (req: { url?: string }) => rewriteRegistryUrl(req.url ?? '/'),
    // sha512 digests and encoded multi-component names are longer than the router's default.
    routerOptions: { maxParamLength: 1024, ignoreTrailingSlash: true },
    exposeHeadRoutes: false,
    // Uploads of large layers over slow links must not be cut off.
    requestTimeout: 0,
    keepAliveTimeout: 75_000,
    return503OnClosing: true,
    // Behind the gateway, the client's address (login throttle, audit) is the one X-Forwarded-For
    // names; it is believed only from TRUSTED_PROXIES (default: a proxy on this host).
    trustProxy: config.trustedProxies,
    // Errors the router raises before any handler (undecodable URLs, over-long parameters) still
    // answer in the Distribution API's error format.
    frameworkErrors: (error: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      void reply
        .code(status)
        .type('application/json; charset=utf-8')
        .header('Docker-Distribution-API-Version', 'registry/2.0')
        .send(JSON.stringify(ociErrorBody([{ code: 'NAME_INVALID', message: status === 414 ? 'a path component is too long' : 'malformed request URL' }])));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(RegistryModule.forRoot(config), adapter, {
    bodyParser: false,
    logger: new RegistryLogger(config.logLevel),
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies (blobs, manifests) are streamed by the handlers themselves, never parsed or buffered here.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_req, _payload, done) => done(null));
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('Docker-Distribution-API-Version', 'registry/2.0');
    const proof = instanceProof(config.instanceKey, req.headers[INSTANCE_CHALLENGE_HEADER]);
    if (proof) reply.header(INSTANCE_PROOF_HEADER, proof);
    done();
  });
  // Refusals answered before (or while) a body was read leave the rest of it to drain.
  drainUnreadBodies(fastify);
  // Graceful close: requests in flight finish, but a keep-alive connection must not hold the
  // process open once its response is done (node only closes connections idle when close starts).
  let reaper: NodeJS.Timeout | undefined;
  fastify.addHook('preClose', (done) => {
    reaper = setInterval(() => fastify.server.closeIdleConnections(), 50);
    done();
  });
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    if (reaper) reply.header('Connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onClose', (_instance, done) => {
    clearInterval(reaper);
    done();
  });
  app.enableShutdownHooks();
  return app;
}

export async function startRegistry(config: RegistryConfig): Promise<NestFastifyApplication> {
  const app = await createRegistryApp(config);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  new Logger('registry').log(`listening on http://${config.host}:${port} (pid ${process.pid})`);
  return app;
}

export async function closeRegistry(app: NestFastifyApplication): Promise<void> {
  const pool = app.get<Pool>(DB_POOL);
  await app.close();
  if (!pool.ended) await pool.end();
}
