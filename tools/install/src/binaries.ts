import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The first executable named `name` on PATH (or in the extra directories), if any. */
export function which(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Directory of PostgreSQL's server programs. Debian keeps them in /usr/lib/postgresql/<major>/bin,
 * off PATH; the newest major wins.
 */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors.length > 0) return join(root, majors[0], 'bin');
  }
  const onPath = which('postgres');
  return onPath && which('initdb') ? onPath.replace(/\/postgres$/, '') : undefined;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export interface MissingProgram {
  program: string;
  debianPackage: string;
}

/**
 * Installs the Debian packages of missing programs with apt-get when running as root; otherwise
 * (or when that fails) says what to install and returns false.
 */
export function installPackages(missing: MissingProgram[], say: (line: string) => void): boolean {
  if (missing.length === 0) return true;
  const packages = [...new Set(missing.map((m) => m.debianPackage))];
  const list = missing.map((m) => m.program).join(', ');
  if (!isRoot() || !which('apt-get')) {
    say(`error: missing ${list}; install them first, e.g. \`sudo apt-get install ${packages.join(' ')}\`, or set external_database/external_redis in harbor.yml`);
    return false;
  }
  say(`installing ${packages.join(' ')} (for ${list})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  if (result.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    result = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  }
  if (result.status !== 0) {
    say(`error: apt-get could not install ${packages.join(' ')}`);
    return false;
  }
  return true;
}
