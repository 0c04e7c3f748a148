/**
 * A browser without a page: follows redirects, keeps each site's cookies, and fills in
 * oidc-provider's development login and consent forms, as a user at a browser would.
 */
export class TestBrowser {
  /** origin -> cookie name -> value (paths are not told apart: both sites use few cookies). */
  private readonly jar = new Map<string, Map<string, string>>();
  /** Every URL a request was made to, in order. */
  readonly visited: string[] = [];

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }

  /** One request, no redirect followed; cookies sent and kept. */
  async request(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const { origin } = new URL(url);
    const cookies = [...(this.jar.get(origin) ?? new Map<string, string>()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    this.visited.push(url);
    const res = await fetch(url, { method: init.method ?? 'GET', body: init.body, redirect: 'manual', headers: { ...(cookies ? { Cookie: cookies } : {}), ...init.headers } });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const site = this.jar.get(origin) ?? new Map<string, string>();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) site.delete(name);
      else site.set(name, value);
      this.jar.set(origin, site);
    }
    return res;
  }

  /**
   * Follows redirects from `url`, submitting the provider's login form (as `account`) and consent
   * form on the way, until an answer that is neither a redirect nor one of those forms, or a
   * redirect to `stopAt`'s origin outside `/c/oidc/` (where the console would take over), or one
   * `stopAt` accepts when it is a function.
   */
  async follow(url: string, account: string, stopAt: string | ((target: URL) => boolean)): Promise<{ url: string; response: Response }> {
    const stop = typeof stopAt === 'function' ? stopAt : (target: URL) => target.origin === new URL(stopAt).origin && !target.pathname.startsWith('/c/oidc/');
    let next = url;
    let init: { method?: string; body?: string; headers?: Record<string, string> } = {};
    for (let hops = 0; hops < 20; hops++) {
      const response = await this.request(next, init);
      init = {};
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const target = new URL(location, next);
        if (stop(target)) return { url: target.href, response };
        next = target.href;
        continue;
      }
      const html = response.status === 200 && (response.headers.get('content-type') ?? '').includes('text/html') ? await response.text() : '';
      const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>[\s\S]*?name="prompt" value="(login|consent)"/.exec(html);
      if (!form) return { url: next, response };
      const fields: Record<string, string> = form[2] === 'login' ? { prompt: 'login', login: account, password: 'any' } : { prompt: 'consent' };
      next = new URL(form[1].replace(/&amp;/g, '&'), next).href;
      init = { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** The callback URL (with code and state) the provider sent the browser to, the last one. */
  lastCallback(): string | undefined {
    return [...this.visited].reverse().find((url) => new URL(url).pathname === '/c/oidc/callback');
  }
}
