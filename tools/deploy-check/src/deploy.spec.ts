import { checkCompose } from './compose-checks';
import type { ComposeService } from './compose-types';
import { type DeploySources, loadDeploySources } from './deploy-sources';
import { checkDockerfiles } from './dockerfile-checks';
import { checkKubernetes } from './kubernetes-checks';
import type { Container, DeploymentSpec, IngressSpec, KubeObject, ServiceSpec } from './kubernetes-types';

/**
 * The repository's deployment files must be consistent with each other and with the code; and
 * each check must notice when one reference is broken (each case below breaks one in a copy).
 */

const sources = loadDeploySources();

function allProblems(s: DeploySources): string[] {
  return [...checkKubernetes(s), ...checkCompose(s), ...checkDockerfiles(s)];
}

/** A deep copy that tests may change freely. */
function copy(s: DeploySources): DeploySources {
  return {
    ...s,
    kubernetes: structuredClone(s.kubernetes),
    compose: structuredClone(s.compose),
    composeVariables: new Map(s.composeVariables),
    images: new Map([...s.images].map(([name, image]) => [name, { ...image, dockerfile: structuredClone(image.dockerfile) }])),
    programs: structuredClone(s.programs),
    gateway: { ...s.gateway },
  };
}

function object(s: DeploySources, kind: string, name: string): KubeObject {
  const found = s.kubernetes.manifests.find((m) => m.object.kind === kind && m.object.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found.object;
}

function deployment(s: DeploySources, name: string): DeploymentSpec {
  return object(s, 'Deployment', name).spec as DeploymentSpec;
}

function container(s: DeploySources, name: string): Container {
  const c = deployment(s, name).template?.spec?.containers?.[0];
  if (!c) throw new Error(`${name} has no container`);
  return c;
}

function envVar(c: Container, name: string) {
  const v = c.env?.find((e) => e.name === name);
  if (!v) throw new Error(`container ${c.name} has no ${name}`);
  return v;
}

function service(s: DeploySources, name: string, file = 0): ComposeService {
  const found = s.compose[file].resolved.services?.[name];
  if (!found) throw new Error(`no Compose service ${name} in ${s.compose[file].file}`);
  return found;
}

function composeEnv(svc: ComposeService): Record<string, string | number | boolean | null> {
  if (!svc.environment || Array.isArray(svc.environment)) throw new Error('expected an environment map');
  return svc.environment;
}

/** Breaks one thing in a copy of the sources and returns what the checks say. */
function problemsAfter(change: (s: DeploySources) => void): string[] {
  const broken = copy(sources);
  change(broken);
  return allProblems(broken);
}

describe('deployment files', () => {
  it('read the facts they are checked against from the code', () => {
    expect(sources.programs.core.env).toEqual(expect.objectContaining({ size: expect.any(Number) }));
    expect([...sources.programs.core.env]).toEqual(expect.arrayContaining(['CORE_PORT', 'DATABASE_URL', 'TOKEN_PRIVATE_KEY']));
    expect([...sources.programs.registry.env]).toEqual(expect.arrayContaining(['REGISTRY_PORT', 'DATA_DIR', 'REGISTRY_AUDIT']));
    expect([...sources.programs.gateway.env]).toEqual(expect.arrayContaining(['GATEWAY_HOSTNAME', 'GATEWAY_BLOB_ROOT']));
    expect([...sources.programs.jobservice.env]).toEqual(expect.arrayContaining(['DATA_DIR', 'JOB_REDIS_URL', 'JOBSERVICE_WORKERS']));
    expect([...sources.programs.core.env]).toEqual(expect.arrayContaining(['JOB_REDIS_URL']));
    expect(sources.programs.jobservice.routes).toEqual([]);
    expect(sources.programs.core.routes).toEqual(expect.arrayContaining(['/api/v2.0/ping']));
    expect(sources.programs.registry.routes).toEqual(expect.arrayContaining(['/healthz']));
    expect(sources.programs.gateway.routes).toEqual(expect.arrayContaining(['/', '/harbor', '/v2', '/v2/_catalog', '/api/v2.0/ping']));
    expect(sources.gateway.portalRoot).toBe('/opt/wharf/portal');
    expect(sources.kubernetes.manifests.length).toBeGreaterThan(10);
    expect([...sources.images.keys()].sort()).toEqual(['gateway', 'wharf']);
  });

  it('are consistent: Kubernetes manifests', () => {
    expect(checkKubernetes(sources)).toEqual([]);
  });

  it('are consistent: Compose', () => {
    expect(checkCompose(sources)).toEqual([]);
  });

  it('are consistent: Dockerfiles', () => {
    expect(checkDockerfiles(sources)).toEqual([]);
  });
});

describe('Kubernetes checks notice', () => {
  const cases: [string, (s: DeploySources) => void, RegExp][] = [
    [
      'a Service selecting no pods',
      (s) => ((object(s, 'Service', 'wharf-core').spec as ServiceSpec).selector = { 'app.kubernetes.io/component': 'kore' }),
      /Service wharf-core: selector .* matches no Deployment/,
    ],
    [
      'a targetPort no container has',
      (s) => (((object(s, 'Service', 'wharf-registry').spec as ServiceSpec).ports ?? [])[0].targetPort = 'metrics'),
      /Service wharf-registry: targetPort metrics is no port/,
    ],
    [
      'a Secret key that does not exist',
      (s) => {
        const ref = envVar(container(s, 'wharf-core'), 'DATABASE_URL').valueFrom?.secretKeyRef;
        if (ref) ref.key = 'uri';
      },
      /DATABASE_URL refers to key uri of Secret wharf-database/,
    ],
    [
      'a missing ConfigMap',
      (s) => (s.kubernetes.manifests = s.kubernetes.manifests.filter((m) => m.object.metadata?.name !== 'wharf-env')),
      /envFrom ConfigMap wharf-env does not exist/,
    ],
    [
      'a claim no PersistentVolumeClaim defines',
      (s) => {
        const v = deployment(s, 'wharf-registry').template?.spec?.volumes?.find((x) => x.persistentVolumeClaim);
        if (v?.persistentVolumeClaim) v.persistentVolumeClaim.claimName = 'wharf-storage';
      },
      /claims wharf-storage, which no PersistentVolumeClaim defines/,
    ],
    ['an image no Dockerfile builds', (s) => (container(s, 'wharf-core').image = 'wharf/core:0.1.0'), /image wharf\/core:0\.1\.0 is built by no deploy\/docker\/core\.Dockerfile/],
    ['an untagged image', (s) => (container(s, 'wharf-gateway').image = 'wharf/gateway'), /must name a version/],
    ['a variable the registry does not read', (s) => container(s, 'wharf-registry').env?.push({ name: 'REGISTRY_STORAGE', value: '/x' }), /registry is given REGISTRY_STORAGE/],
    [
      'a shared ConfigMap key only one program reads',
      (s) => ((object(s, 'ConfigMap', 'wharf-env').data ??= {})['REGISTRY_WORKERS'] = '4'),
      /container core: core is given REGISTRY_WORKERS/,
    ],
    ['a file the kustomization does not list', (s) => (s.kubernetes.kustomization.resources = s.kubernetes.kustomization.resources?.filter((r) => r !== 'ingress.yaml')), /ingress\.yaml is not listed/],
    ['a kustomization resource that does not exist', (s) => s.kubernetes.kustomization.resources?.push('portal.yaml'), /resource portal\.yaml does not exist/],
    [
      'a probe on a path core does not serve',
      (s) => {
        const probe = container(s, 'wharf-core').readinessProbe?.httpGet;
        if (probe) probe.path = '/api/v2.0/pong';
      },
      /readinessProbe: probe path \/api\/v2\.0\/pong is not a GET route core serves/,
    ],
    [
      'a probe on an undeclared port',
      (s) => {
        const probe = container(s, 'wharf-registry').livenessProbe?.tcpSocket;
        if (probe) probe.port = 'metrics';
      },
      /livenessProbe uses port metrics/,
    ],
    [
      'the gateway mounting the storage writable',
      (s) => {
        const spec = deployment(s, 'wharf-gateway').template?.spec;
        for (const m of spec?.containers?.[0].volumeMounts ?? []) m.readOnly = false;
        for (const v of spec?.volumes ?? []) if (v.persistentVolumeClaim) v.persistentVolumeClaim.readOnly = false;
      },
      /must be mounted read-only in the gateway/,
    ],
    [
      'a blob root on other storage than the registry data',
      (s) => {
        const v = deployment(s, 'wharf-registry').template?.spec?.volumes?.find((x) => x.persistentVolumeClaim);
        if (v) {
          delete v.persistentVolumeClaim;
          v.emptyDir = {};
        }
      },
      /no registry has its DATA_DIR there/,
    ],
    ['an upstream port the Service lacks', (s) => ((object(s, 'ConfigMap', 'wharf-gateway').data ?? {})['GATEWAY_CORE_UPSTREAM'] = 'wharf-core:9090'), /Service wharf-core has no port 9090/],
    ['an upstream Service running something else', (s) => ((object(s, 'ConfigMap', 'wharf-gateway').data ?? {})['GATEWAY_REGISTRY_UPSTREAM'] = 'wharf-core:8080'), /does not select registry pods/],
    ['a key file that is not mounted', (s) => ((object(s, 'ConfigMap', 'wharf-env').data ?? {})['TOKEN_PRIVATE_KEY'] = '/etc/wharf/key.pem'), /TOKEN_PRIVATE_KEY=\/etc\/wharf\/key\.pem is no file/],
    [
      'an Ingress host that differs from EXTERNAL_URL',
      (s) => {
        const rule = (object(s, 'Ingress', 'wharf').spec as IngressSpec).rules?.[0];
        if (rule) rule.host = 'wharf.example.com';
      },
      /the host name differs/,
    ],
    ['a single replica', (s) => (deployment(s, 'wharf-registry').replicas = 1), /runs 1 replica/],
    ['a listening port that is not declared', (s) => (envVar(container(s, 'wharf-core'), 'CORE_PORT').value = '8081'), /CORE_PORT=8081, which is not a declared containerPort/],
    ['a missing TLS Secret', (s) => (s.kubernetes.manifests = s.kubernetes.manifests.filter((m) => m.object.metadata?.name !== 'wharf-tls')), /TLS Secret wharf-tls does not exist/],
    [
      'a Secret volume item that does not exist',
      (s) => {
        const item = deployment(s, 'wharf-core').template?.spec?.volumes?.find((v) => v.secret)?.secret?.items?.[0];
        if (item) item.key = 'key.pem';
      },
      /takes key key\.pem of Secret wharf-token/,
    ],
    ['a command whose source does not exist', (s) => (container(s, 'wharf-core').command = ['node', 'dist/apps/core/src/start.js']), /source apps\/core\/src\/start\.ts does not exist/],
    [
      'the registry accel prefix differing from the gateway',
      (s) => (envVar(container(s, 'wharf-registry'), 'REGISTRY_ACCEL_PREFIX').value = '/_blobs'),
      /REGISTRY_ACCEL_PREFIX is \/_blobs, but the gateway serves blobs at \/_wharf_blobs/,
    ],
    [
      'the jobservice on other storage than the registry data',
      (s) => {
        const v = deployment(s, 'wharf-jobservice').template?.spec?.volumes?.find((x) => x.persistentVolumeClaim);
        if (v) {
          delete v.persistentVolumeClaim;
          v.emptyDir = {};
        }
      },
      /container jobservice: DATA_DIR=\/data\/registry is not on a mounted PersistentVolumeClaim/,
    ],
    [
      'the jobservice mounting the storage read-only',
      (s) => {
        for (const m of container(s, 'wharf-jobservice').volumeMounts ?? []) m.readOnly = true;
      },
      /must be mounted writable in the jobservice/,
    ],
    [
      'the jobservice on a claim no registry uses',
      (s) => {
        s.kubernetes.manifests.push({ file: 'storage.yaml', object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'wharf-jobs' } } });
        const v = deployment(s, 'wharf-jobservice').template?.spec?.volumes?.find((x) => x.persistentVolumeClaim);
        if (v?.persistentVolumeClaim) v.persistentVolumeClaim.claimName = 'wharf-jobs';
      },
      /DATA_DIR is on claim wharf-jobs, but no registry has its DATA_DIR there/,
    ],
    ['a variable the jobservice does not read', (s) => container(s, 'wharf-jobservice').env?.push({ name: 'JOBSERVICE_PORT', value: '8090' }), /jobservice is given JOBSERVICE_PORT/],
    [
      'an HTTP probe on the jobservice',
      (s) => (container(s, 'wharf-jobservice').readinessProbe = { httpGet: { path: '/healthz', port: 8090 } }),
      /container jobservice: readinessProbe: probe path \/healthz is not a GET route jobservice serves/,
    ],
    [
      'core queuing jobs in another Redis than the jobservice takes them from',
      (s) => container(s, 'wharf-core').env?.push({ name: 'JOB_REDIS_URL', value: 'redis://redis.example.internal:6379/2' }),
      /the job queues are not where .*: its (JOB_)?REDIS_URL differs/,
    ],
    [
      'the jobservice bumping cache versions in another Redis than the registry reads',
      (s) => {
        const ref = envVar(container(s, 'wharf-jobservice'), 'REDIS_URL').valueFrom?.secretKeyRef;
        if (ref) ref.key = 'jobs-url';
        const secret = object(s, 'Secret', 'wharf-redis');
        (secret.stringData ??= {})['jobs-url'] = 'redis://redis.example.internal:6379/2';
      },
      /container jobservice: the registry's cache versions are not where .*: its REDIS_URL differs/,
    ],
  ];

  it.each(cases)('%s', (_name, change, expected) => {
    expect(problemsAfter(change)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });
});

describe('Compose checks notice', () => {
  const cases: [string, (s: DeploySources) => void, RegExp][] = [
    [
      'a service used without depends_on',
      (s) => {
        const deps = service(s, 'core').depends_on;
        if (deps && !Array.isArray(deps)) delete deps['postgres'];
      },
      /service core: uses postgres \(DATABASE_URL\) without depends_on postgres/,
    ],
    ['a host that is no service', (s) => (composeEnv(service(s, 'registry'))['REDIS_URL'] = 'redis://cache:6379'), /REDIS_URL names host cache, which is not a service/],
    [
      'the gateway mounting the storage writable',
      (s) => (service(s, 'gateway').volumes = (service(s, 'gateway').volumes ?? []).map((v) => (typeof v === 'string' ? v.replace(/:ro$/, '') : v))),
      /must be mounted read-only \(:ro\) in the gateway/,
    ],
    ['a variable core does not read', (s) => (composeEnv(service(s, 'core'))['CORE_WORKERS'] = '2'), /core is given CORE_WORKERS/],
    [
      'a healthcheck on a path the registry does not serve',
      (s) => (service(s, 'registry').healthcheck = { test: ['CMD', 'node', '/opt/wharf/healthcheck.mjs', 'http://127.0.0.1:5000/health'] }),
      /probe path \/health is not a GET route registry serves/,
    ],
    [
      'a healthcheck on another port than the service listens on',
      (s) => (service(s, 'core').healthcheck = { test: ['CMD', 'node', '/opt/wharf/healthcheck.mjs', 'http://127.0.0.1:8081/api/v2.0/ping'] }),
      /healthcheck calls port 8081, but CORE_PORT is 8080/,
    ],
    [
      'a healthcheck script the image lacks',
      (s) => (service(s, 'core').healthcheck = { test: ['CMD', 'node', '/opt/wharf/check.mjs', 'http://127.0.0.1:8080/api/v2.0/ping'] }),
      /runs \/opt\/wharf\/check\.mjs, which deploy\/docker\/wharf\.Dockerfile does not copy/,
    ],
    ['a variable env.example does not document', (s) => s.composeVariables.delete('WHARF_HOSTNAME'), /\$\{WHARF_HOSTNAME\} is not documented/],
    ['a documented variable nothing uses', (s) => s.composeVariables.set('WHARF_PORTAL_PORT', '8000'), /WHARF_PORTAL_PORT is used by no Compose file/],
    ['an image no Dockerfile builds', (s) => (service(s, 'registry').image = 'wharf/registry:0.1.0'), /image wharf\/registry:0\.1\.0 is built by no deploy\/docker\/registry\.Dockerfile/],
    [
      'a build from the wrong Dockerfile',
      (s) => (service(s, 'gateway').build = { context: '.', dockerfile: 'deploy/docker/wharf.Dockerfile' }),
      /builds deploy\/docker\/wharf\.Dockerfile, but image wharf\/gateway:.* comes from deploy\/docker\/gateway\.Dockerfile/,
    ],
    ['an upstream to the wrong program', (s) => (composeEnv(service(s, 'gateway'))['GATEWAY_REGISTRY_UPSTREAM'] = 'core:8080'), /GATEWAY_REGISTRY_UPSTREAM=core:8080, but core does not run registry/],
    ['an upstream on the wrong port', (s) => (composeEnv(service(s, 'gateway'))['GATEWAY_CORE_UPSTREAM'] = 'core:80'), /GATEWAY_CORE_UPSTREAM=core:80, but core listens on 8080/],
    [
      'database credentials that differ from the postgres service',
      (s) => (composeEnv(service(s, 'registry'))['DATABASE_URL'] = String(composeEnv(service(s, 'registry'))['DATABASE_URL']).replace(/\/registry$/, '/wharf')),
      /service registry: DATABASE_URL's database does not match/,
    ],
    [
      'a secret that is not defined',
      (s) => {
        const top = s.compose[0].resolved.secrets;
        if (top) delete top['token_private_key'];
      },
      /uses secret token_private_key, which is not defined/,
    ],
    ['a key path that is no secret', (s) => (composeEnv(service(s, 'registry'))['TOKEN_PRIVATE_KEY'] = '/run/secrets/token_key'), /TOKEN_PRIVATE_KEY=\/run\/secrets\/token_key is neither/],
    ['a gateway port that is not published', (s) => (service(s, 'gateway').ports = []), /GATEWAY_HTTP_PORT=80 is not published/],
    ['an HTTPS port the override does not publish', (s) => (service(s, 'gateway', 1).ports = []), /https\.yml service gateway: GATEWAY_HTTPS_PORT=443 is not published/],
    ['an override for a service that does not exist', (s) => (s.compose[1].resolved.services = { portal: {} }), /https\.yml: service portal is not in docker-compose\.yml/],
    ['a dependency without a healthcheck', (s) => delete service(s, 'redis').healthcheck, /waits for redis to be healthy, but redis has no healthcheck/],
    ['the jobservice inheriting the image\'s HTTP health check', (s) => delete service(s, 'jobservice').healthcheck, /service jobservice: inherits the image's HEALTHCHECK, but jobservice serves no port/],
    [
      'the jobservice on another volume than the registry storage',
      (s) => (service(s, 'jobservice').volumes = ['/data/jobs:/data/registry']),
      /service jobservice: DATA_DIR is mounted from \/data\/jobs, which is not the registry's storage/,
    ],
    [
      'the jobservice mounting the storage read-only',
      (s) => (service(s, 'jobservice').volumes = (service(s, 'jobservice').volumes ?? []).map((v) => (typeof v === 'string' ? `${v}:ro` : v))),
      /service jobservice: the registry storage must be mounted writable/,
    ],
    ['a variable the jobservice does not read', (s) => (composeEnv(service(s, 'jobservice'))['JOBSERVICE_PORT'] = '8090'), /jobservice is given JOBSERVICE_PORT/],
    [
      'the jobservice taking jobs from another Redis database than core fills',
      (s) => (composeEnv(service(s, 'jobservice'))['JOB_REDIS_URL'] = 'redis://redis:6379/2'),
      /service jobservice: the job queues are not where .*service core has them: its JOB_REDIS_URL differs from that one's REDIS_URL/,
    ],
    ['the jobservice using PostgreSQL without waiting for it', (s) => delete (service(s, 'jobservice').depends_on as Record<string, unknown>)['postgres'], /service jobservice: uses postgres \(DATABASE_URL\) without depends_on/],
  ];

  it.each(cases)('%s', (_name, change, expected) => {
    expect(problemsAfter(change)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });
});

describe('Dockerfile checks notice', () => {
  const stage = (s: DeploySources, image: string, index: number) => {
    const found = s.images.get(image)?.dockerfile.stages[index];
    if (!found) throw new Error(`no stage ${index} in ${image}`);
    return found;
  };
  const cases: [string, (s: DeploySources) => void, RegExp][] = [
    [
      'a COPY source that does not exist',
      (s) => {
        const c = stage(s, 'wharf', 0).copies.find((x) => x.sources.includes('apps'));
        if (c) c.sources = ['appz'];
      },
      /wharf\.Dockerfile:\d+: COPY source appz does not exist/,
    ],
    [
      'a COPY source the .dockerignore leaves out',
      (s) => {
        const image = s.images.get('wharf');
        if (image) image.ignored = (p) => p === 'libs';
      },
      /COPY source libs is excluded from the build context/,
    ],
    [
      'COPY --from a stage that does not exist',
      (s) => {
        const c = stage(s, 'gateway', 1).copies.find((x) => x.from);
        if (c) c.from = 'builder';
      },
      /COPY --from=builder names no earlier stage/,
    ],
    ['an image running as root', (s) => delete stage(s, 'wharf', 1).user, /wharf\.Dockerfile: the image must run as a non-root USER/],
    [
      'an image without the renderer the gateway loads',
      (s) => (stage(s, 'gateway', 1).copies = stage(s, 'gateway', 1).copies.filter((c) => !c.dest.includes('/dist/'))),
      /does not copy the renderer/,
    ],
    [
      'a HEALTHCHECK on a path core does not serve',
      (s) => (stage(s, 'wharf', 1).healthcheck = ['node', '/opt/wharf/healthcheck.mjs', 'http://127.0.0.1:8080/ping']),
      /HEALTHCHECK path \/ping is not a GET route core serves/,
    ],
    ['a default command whose script the image lacks', (s) => (stage(s, 'gateway', 1).entrypoint = ['sh', '/opt/wharf/gateway/start.sh']), /runs \/opt\/wharf\/gateway\/start\.sh, which deploy\/docker\/gateway\.Dockerfile does not copy/],
    [
      'a build stage that does not copy the renderer',
      (s) => (stage(s, 'gateway', 0).copies = stage(s, 'gateway', 0).copies.filter((c) => !c.sources.some((x) => x.includes('gateway')))),
      /the renderer needs tools\/install\/src\/gateway\/nginx-config\.ts, which the build stage does not copy/,
    ],
    [
      'a script naming a file the image lacks',
      (s) => (stage(s, 'gateway', 1).copies = stage(s, 'gateway', 1).copies.filter((c) => !c.sources.some((x) => x.endsWith('render-config.mjs')))),
      /entrypoint\.sh: refers to \/opt\/wharf\/gateway\/render-config\.mjs, which deploy\/docker\/gateway\.Dockerfile does not copy/,
    ],
    ['a renderer path that is not built from a source', (s) => (s.gateway.rendererInImage = '/opt/wharf/dist/tools/install/src/gateway/render.js'), /has no source tools\/install\/src\/gateway\/render\.ts/],
    [
      'a gateway image without the web console',
      (s) => (stage(s, 'gateway', 1).copies = stage(s, 'gateway', 1).copies.filter((c) => c.dest !== '/opt/wharf/portal')),
      /gateway\.Dockerfile: does not copy the web console to \/opt\/wharf\/portal, where the gateway serves it/,
    ],
    ['a console directory the render script names elsewhere', (s) => (s.gateway.portalRoot = '/opt/wharf/console'), /does not copy the web console to \/opt\/wharf\/console/],
    [
      'the console copied from the wrong folder of the build stage',
      (s) => {
        const c = stage(s, 'gateway', 1).copies.find((x) => x.dest === '/opt/wharf/portal');
        if (c) c.sources = ['/src/dist/portal'];
      },
      /copies \/src\/dist\/portal to \/opt\/wharf\/portal, but tools\/build-portal\.mjs writes the console to \/src\/dist\/apps\/portal/,
    ],
    ['a build stage that does not build the console', (s) => (stage(s, 'gateway', 0).runs = stage(s, 'gateway', 0).runs.filter((r) => !r.includes('build-portal'))), /stage build does not run tools\/build-portal\.mjs/],
    [
      'a build stage without the console sources',
      (s) => (stage(s, 'gateway', 0).copies = stage(s, 'gateway', 0).copies.filter((c) => !c.sources.includes('apps/portal'))),
      /stage build builds the web console without copying apps\/portal/,
    ],
    ['a render script without a console directory', (s) => delete s.gateway.portalRoot, /GATEWAY_PORTAL_ROOT has no default/],
  ];

  it.each(cases)('%s', (_name, change, expected) => {
    expect(problemsAfter(change)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });
});
