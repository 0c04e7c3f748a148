import type { HarborConfig } from '@wharf/config';
import { readyMessage } from './ready-message';

const base = { hostname: 'reg.example.com', http: { port: 8080 } } as HarborConfig;
const insecureLine = (lines: string[]) => lines.find((l) => l.includes('insecure-registries'))?.trim();

describe('readyMessage', () => {
  it('gives a plain-HTTP installation the exact daemon.json line Docker needs', () => {
    const lines = readyMessage(base, '/var/log/harbor');
    expect(lines).toContain('Wharf is running at http://reg.example.com:8080');
    expect(lines).toContain('  web console: http://reg.example.com:8080/');
    expect(lines).toContain('  log in:  docker login reg.example.com:8080');
    expect(insecureLine(lines)).toBe('{"insecure-registries": ["reg.example.com:8080"]}');
    expect(JSON.parse(insecureLine(lines) ?? '')).toEqual({ 'insecure-registries': ['reg.example.com:8080'] });
  });

  it('names the registry as clients do: without port 80, or by external_url', () => {
    expect(insecureLine(readyMessage({ ...base, http: { port: 80 } }, '/l'))).toBe('{"insecure-registries": ["reg.example.com"]}');
    expect(insecureLine(readyMessage({ ...base, external_url: 'http://front.example.com:5000' }, '/l'))).toBe('{"insecure-registries": ["front.example.com:5000"]}');
  });

  it('asks for nothing when clients reach it over TLS', () => {
    const https = readyMessage({ ...base, https: { port: 443, certificate: '/c', private_key: '/k' } }, '/l');
    expect(https).toContain('  log in:  docker login reg.example.com');
    expect(https).toContain('  web console: https://reg.example.com/');
    expect(readyMessage({ ...base, external_url: 'https://front.example.com:8443/' }, '/l')).toContain('  web console: https://front.example.com:8443/');
    expect(insecureLine(https)).toBeUndefined();
    expect(insecureLine(readyMessage({ ...base, external_url: 'https://front.example.com' }, '/l'))).toBeUndefined();
  });
});
