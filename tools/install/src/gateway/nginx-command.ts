import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's nginx (package nginx-light). */
export const NGINX_BIN = '/usr/sbin/nginx';

export function nginxAvailable(bin = NGINX_BIN): boolean {
  return existsSync(bin);
}

/** Arguments running the gateway in the foreground, from `<prefix>/nginx.conf`. */
export function nginxArgs(prefix: string): string[] {
  return ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'];
}

/**
 * `nginx -t` on `<prefix>/nginx.conf`: whether nginx accepts it (syntax, certificate and key
 * readable, log files openable), with nginx's own words when it does not.
 */
export function testNginxConfig(prefix: string, bin = NGINX_BIN): { ok: boolean; output: string } {
  const r = spawnSync(bin, ['-t', ...nginxArgs(prefix)], { encoding: 'utf8', timeout: 30_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim();
  return { ok: r.status === 0, output };
}
