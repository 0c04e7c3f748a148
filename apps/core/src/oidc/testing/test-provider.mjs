// A certified OpenID Provider (oidc-provider) for core's tests, on 127.0.0.1 and a free port.
// The parent passes its configuration as JSON in OIDC_TEST_PROVIDER; this prints
// {"issuer": ...} on a line once it listens, and exits when its stdin closes (the parent ended).
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const options = JSON.parse(process.env.OIDC_TEST_PROVIDER ?? '{}');
/** account id -> groups; the parent changes them with POST /test/groups. */
const groups = new Map(Object.entries(options.groups ?? {}));

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: options.clients,
  jwks: { keys: options.keys },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
  scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
  issueRefreshToken: () => true,
  ttl: { AccessToken: options.accessTokenTtl ?? 3600, IdToken: 3600, RefreshToken: 86400, Grant: 86400, Session: 86400, Interaction: 600 },
  features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
  findAccount: (_ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, name: options.names?.[id] ?? id, preferred_username: id, email: `${id}@example.test`, groups: groups.get(id) ?? [] }),
  }),
});
provider.on('server_error', (_ctx, err) => process.stderr.write(`provider error: ${err.stack}\n`));
const callback = provider.callback();

server.on('request', (req, res) => {
  if (req.method === 'POST' && req.url === '/test/groups') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { account, names } = JSON.parse(body);
      groups.set(account, names);
      res.writeHead(204).end();
    });
    return;
  }
  callback(req, res);
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
