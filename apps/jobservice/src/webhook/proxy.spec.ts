import { loadConfig } from '../config';
import { proxyAuthorization, WebhookProxy } from './proxy';

const through = (proxy: WebhookProxy, address: string) => proxy.for(new URL(address))?.href;

describe('the webhook proxy', () => {
  const proxy = new WebhookProxy({
    httpProxy: 'http://user:p%40ss@proxy.example.com:3128',
    httpsProxy: 'http://tunnel.example.com:8080',
    noProxy: ' .internal.example, build.example.org, 10.1.0.0/16, fd00:1::/32, 192.168.5.7, 127.0.0.1:9000, [::1] ',
  });

  it('sends http targets to the http proxy and https targets to the https proxy', () => {
    expect(through(proxy, 'http://ci.example.com/hook')).toBe('http://user:p%40ss@proxy.example.com:3128/');
    expect(through(proxy, 'https://ci.example.com/hook')).toBe('http://tunnel.example.com:8080/');
  });

  it('goes direct for what no_proxy names: domains and what is below them, addresses, CIDRs, host:port', () => {
    for (const direct of [
      'https://hooks.internal.example/x',
      'http://internal.example/x',
      'https://build.example.org/x',
      'https://a.build.example.org/x',
      'http://10.1.200.3/x',
      'http://192.168.5.7:8080/x',
      'http://127.0.0.1:9000/x',
      'http://[::1]:8080/x',
      'http://[fd00:1:2::5]/x',
    ]) {
      expect([direct, through(proxy, direct)]).toEqual([direct, undefined]);
    }
    for (const proxied of ['https://notbuild.example.org/x', 'http://10.2.0.1/x', 'http://[fd00:2::5]/x', 'http://192.168.5.8/x', 'http://127.0.0.1:9001/x', 'https://example.org/x']) {
      expect([proxied, through(proxy, proxied)]).toEqual([proxied, expect.any(String)]);
    }
  });

  it('goes direct for everything with no_proxy "*", and for a scheme without a proxy', () => {
    expect(through(new WebhookProxy({ httpProxy: 'http://p:1', noProxy: '*' }), 'http://a.example/x')).toBeUndefined();
    expect(through(new WebhookProxy({ httpProxy: 'http://p:1' }), 'https://a.example/x')).toBeUndefined();
    expect(through(new WebhookProxy({}), 'https://a.example/x')).toBeUndefined();
  });

  it('authenticates to a proxy with credentials in its URL', () => {
    expect(proxyAuthorization(new URL('http://user:p%40ss@proxy:3128'))).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    expect(proxyAuthorization(new URL('http://proxy:3128'))).toBeUndefined();
  });

  it('reads the variables the installer sets, upper case first, and refuses a proxy that is no http(s) URL', () => {
    expect(loadConfig({ HTTP_PROXY: 'http://a:1', http_proxy: 'http://b:2', https_proxy: 'http://c:3', no_proxy: '127.0.0.1' }).webhookProxy).toEqual({
      httpProxy: 'http://a:1',
      httpsProxy: 'http://c:3',
      noProxy: '127.0.0.1',
    });
    expect(loadConfig({}).webhookProxy).toEqual({ httpProxy: undefined, httpsProxy: undefined, noProxy: undefined });
    expect(() => loadConfig({ HTTPS_PROXY: 'socks5://p:1080' })).toThrow('invalid HTTPS_PROXY: the scheme must be one of http, https');
  });
});
