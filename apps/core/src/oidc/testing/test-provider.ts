import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface TestClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  grant_types?: string[];
  response_types?: string[];
  post_logout_redirect_uris?: string[];
}

export interface TestProviderOptions {
  clients: TestClient[];
  /** account id -> the groups its `groups` claim lists. */
  groups?: Record<string, string[]>;
  /** account id -> its `name` claim (default: the id). */
  names?: Record<string, string>;
  accessTokenTtl?: number;
}

export interface TestProvider {
  issuer: string;
  /** The provider's signing key (a private RS256 JWK): tests forge tokens with it. */
  signingKey: JsonWebKey & { kid: string };
  setGroups(account: string, names: string[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts oidc-provider (an ESM package, run as its own Node process) on a free loopback port with
 * the given clients; it signs with a key made here, and ends when this process does.
 */
export async function startTestProvider(options: TestProviderOptions): Promise<TestProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' } as JsonWebKey & { kid: string };
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'test-provider.mjs')], {
    env: { ...process.env, OIDC_TEST_PROVIDER: JSON.stringify({ ...options, clients: options.clients.map((c) => ({ grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], ...c })), keys: [signingKey] }) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const issuer = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { issuer: string }).issuer));
    child.once('exit', (code) => reject(new Error(`the test provider exited (${code}): ${errors}`)));
  });
  return {
    issuer,
    signingKey,
    async setGroups(account, names) {
      const res = await fetch(`${issuer}/test/groups`, { method: 'POST', body: JSON.stringify({ account, names }) });
      if (res.status !== 204) throw new Error(`setting groups failed: ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      await exited;
    },
  };
}
