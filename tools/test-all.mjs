#!/usr/bin/env node
// `npm test`: type check and lint every project through Nx, then run every jest project
// (unit, integration against the local PostgreSQL/Redis, end-to-end with real clients) in one run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env }).status ?? 1;

// The end-to-end tests drive real clients and servers from Debian's packages (registry clients,
// OpenLDAP's slapd, nginx for the gateway, the Docker engine and CLI, Chromium for the console): install the packages whose
// programs are missing.
const needed = { skopeo: 'skopeo', umoci: 'umoci', podman: 'podman', slapd: 'slapd', slapadd: 'slapd', ldapsearch: 'ldap-utils', nginx: 'nginx-light', dockerd: 'docker.io', openssl: 'openssl', chromium: 'chromium' };
const clients = [
  ...new Set(
    Object.entries(needed)
      .filter(([command]) => spawnSync('sh', ['-c', `PATH="$PATH:/usr/sbin:/sbin" command -v ${command}`]).status !== 0)
      .map(([, pkg]) => pkg),
  ),
];
if (clients.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(`missing test dependencies: ${clients.join(', ')} (apt-get install ${clients.join(' ')})`);
    process.exit(1);
  }
  console.log(`installing ${clients.join(', ')} from Debian's packages`);
  if (run('apt-get', ['update', '-qq']) !== 0 || run('apt-get', ['install', '-y', '-qq', ...clients]) !== 0) process.exit(1);
}

const extra = process.argv.slice(2);
let status = run('npx', ['nx', 'run-many', '-t', 'typecheck', 'lint', '--outputStyle=static']);
if (status !== 0) {
  console.error('\ntypecheck or lint failed');
  console.log('\ntests: 0 passed, 1 failed, 0 skipped');
  process.exit(status);
}
const summary = join(tmpdir(), `wharf-test-summary-${process.pid}`);
env.WHARF_TEST_SUMMARY = summary;
status = run('npx', ['jest', '-c', 'jest.config.cjs', '--maxWorkers=2', ...extra]);
if (existsSync(summary)) {
  process.stdout.write('\n' + readFileSync(summary, 'utf8'));
  rmSync(summary, { force: true });
} else {
  console.log('\ntests: 0 passed, 1 failed, 0 skipped');
  status ||= 1;
}
process.exit(status);
