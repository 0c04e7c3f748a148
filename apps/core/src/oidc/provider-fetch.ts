import { request as httpsRequest } from 'node:https';

type HeadersInit = ConstructorParameters<typeof Headers>[0];

/** The fetch openid-client and jose take (`customFetch`). */
export type ProviderFetch = (url: string, options: { method?: string; headers?: HeadersInit | Record<string, string>; body?: unknown; signal?: AbortSignal | null }) => Promise<Response>;

/**
 * How core talks to the OIDC provider: Node's fetch, or, when an administrator turned
 * `oidc_verify_cert` off (a provider with a self-signed certificate), a request over TLS that
 * does not check the certificate (TLS 1.2 at least, as Harbor's).
 */
export function providerFetch(verifyCert: boolean): ProviderFetch {
  if (verifyCert) return (url, options) => fetch(url, options as RequestInit);
  return (url, options) => {
    if (!url.startsWith('https:')) return fetch(url, options as RequestInit);
    return new Promise<Response>((resolve, reject) => {
      const headers = new Headers(options.headers as HeadersInit | undefined);
      const req = httpsRequest(url, { method: options.method ?? 'GET', headers: Object.fromEntries(headers.entries()), rejectUnauthorized: false, minVersion: 'TLSv1.2', signal: options.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers: responseHeaders }));
        });
      });
      req.on('error', reject);
      if (options.body !== undefined && options.body !== null) req.write(typeof options.body === 'string' ? options.body : String(options.body));
      req.end();
    });
  };
}
