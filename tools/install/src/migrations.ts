import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** Applies pending migrations with libs/db's command (built under dist/); resolves to its summary. */
export function runMigrations(distDir: string, databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(distDir, 'libs/db/src/migrate-cli.js')], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`database migration failed: ${out.trim()}`))));
  });
}
