import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ManagedServer, spawnLogged, stopProcess, waitForHttp } from './process';

export const NGINX_BIN = '/usr/sbin/nginx';

export function nginxAvailable(): boolean {
  return existsSync(NGINX_BIN);
}

/**
 * nginx serving `wwwDir` statically with sendfile, as the ceiling for blob pulls: everything
 * (prefix, pid, logs, temp paths) under `dir`.
 */
export async function startNginx(dir: string, wwwDir: string): Promise<ManagedServer> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(wwwDir, 'ready.txt'), 'ok\n');
  // nginx's workers drop to an unprivileged user when started as root: they must reach the file.
  for (const d of [dir, wwwDir]) chmodSync(d, 0o755);
  chmodSync(join(wwwDir, 'ready.txt'), 0o644);
  const conf = join(dir, 'nginx.conf');
  const temp = (name: string) => join(dir, name);
  writeFileSync(
    conf,
    `daemon off;
worker_processes 2;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 75s;
  keepalive_requests 100000;
  default_type application/octet-stream;
  access_log ${join(dir, 'access.log')};
  client_body_temp_path ${temp('client_body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  server {
    listen 127.0.0.1:${port};
    root ${wwwDir};
    location / { }
  }
}
`,
  );
  const logFile = join(dir, 'nginx.out.log');
  const child = spawnLogged(NGINX_BIN, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { logFile });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/ready.txt`, child, 'nginx', join(dir, 'error.log'));
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return { label: 'nginx', url, pid: child.pid as number, child, logFile: join(dir, 'error.log'), stop: () => stopProcess(child) };
}
