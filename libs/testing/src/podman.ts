import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * podman with storage of its own (vfs under a temporary root, no daemon, no cgroups), so a test
 * neither needs nor touches the machine's containers. Each run has a deadline.
 */
export class Podman {
  private constructor(private readonly dir: string) {}

  static async create(): Promise<Podman> {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-podman-'));
    await mkdir(join(dir, 'xdg-run'), { mode: 0o700 });
    return new Podman(dir);
  }

  run(args: string[], timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const global = [
      '--root', join(this.dir, 'root'),
      '--runroot', join(this.dir, 'runroot'),
      '--storage-driver', 'vfs',
      '--cgroup-manager', 'cgroupfs',
      '--events-backend', 'file',
    ];
    return new Promise((resolve, reject) => {
      const child = spawn('podman', [...global, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own config and auth file (under XDG_RUNTIME_DIR): nothing read from or written to the user's.
        env: { ...process.env, XDG_RUNTIME_DIR: join(this.dir, 'xdg-run'), XDG_CONFIG_HOME: join(this.dir, 'xdg-config') },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  async dispose(): Promise<void> {
    // vfs layers may be owned by root with read-only modes: a plain recursive rm still removes them as root.
    await rm(this.dir, { recursive: true, force: true });
  }
}
