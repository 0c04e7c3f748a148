// Writes the gateway's nginx.conf at container start and prints the nginx prefix directory it
// used (entrypoint.sh starts nginx there). Every setting comes from a GATEWAY_* variable; the
// configuration itself is made by the installer's renderer, built into the image under dist/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The compiled renderer, relative to this script's place in the image (/opt/wharf/gateway/). */
const RENDERER = '../dist/tools/install/src/gateway/nginx-config.js';

function fail(message) {
  console.error(`gateway: ${message}`);
  process.exit(1);
}

function text(env, key, fallback) {
  const raw = env[key];
  return raw === undefined || raw === '' ? fallback : raw;
}

function required(env, key) {
  const value = text(env, key, undefined);
  if (value === undefined) fail(`${key} must be set`);
  return value;
}

function int(env, key, fallback, min, max) {
  const raw = text(env, key, undefined);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max) fail(`invalid ${key}: "${raw}" is not an integer between ${min} and ${max}`);
  return n;
}

const env = process.env;
const prefix = text(env, 'GATEWAY_PREFIX', '/tmp/gateway');
const httpsPort = int(env, 'GATEWAY_HTTPS_PORT', undefined, 1, 65535);
const workers = int(env, 'GATEWAY_WORKER_PROCESSES', undefined, 1, 64);

const options = {
  prefix,
  hostname: required(env, 'GATEWAY_HOSTNAME'),
  httpPort: int(env, 'GATEWAY_HTTP_PORT', 8080, 1, 65535),
  ...(httpsPort === undefined
    ? {}
    : {
        https: {
          port: httpsPort,
          certificate: text(env, 'GATEWAY_CERTIFICATE', '/etc/wharf/tls/server.crt'),
          privateKey: text(env, 'GATEWAY_PRIVATE_KEY', '/etc/wharf/tls/server.key'),
        },
      }),
  coreUpstream: text(env, 'GATEWAY_CORE_UPSTREAM', 'core:8080'),
  registryUpstream: text(env, 'GATEWAY_REGISTRY_UPSTREAM', 'registry:5000'),
  // The web console's build, copied into the image; served at / as the installer serves it.
  portalRoot: text(env, 'GATEWAY_PORTAL_ROOT', '/opt/wharf/portal'),
  // The registry's DATA_DIR, mounted read-only: blobs are served from <blobRoot>/blobs/.
  blobRoot: text(env, 'GATEWAY_BLOB_ROOT', '/data/registry'),
  // Container logs go to the container's output.
  accessLog: '/dev/stdout',
  errorLog: '/dev/stderr',
  ...(workers === undefined ? {} : { workerProcesses: workers }),
};

const { renderNginxConfig } = createRequire(import.meta.url)(RENDERER);
mkdirSync(prefix, { recursive: true });
writeFileSync(join(prefix, 'nginx.conf'), renderNginxConfig(options));
process.stdout.write(`${prefix}\n`);
