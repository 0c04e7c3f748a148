import { oidcLoginUrl, safeRedirect } from './safe-redirect';

describe('safeRedirect', () => {
  it('keeps paths of the console', () => {
    expect(safeRedirect('/harbor/projects/3/repositories')).toBe('/harbor/projects/3/repositories');
  });

  it('ignores other sites and empty values', () => {
    for (const bad of [null, '', 'https://evil.example/', '//evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      expect(safeRedirect(bad)).toBe('/harbor/projects');
    }
  });
});

describe('oidcLoginUrl', () => {
  it('starts the OIDC login at core, coming back to a path of this console only', () => {
    expect(oidcLoginUrl('/harbor/projects/3?tab=x')).toBe('/c/oidc/login?redirect_url=%2Fharbor%2Fprojects%2F3%3Ftab%3Dx');
    expect(oidcLoginUrl('//evil.example')).toBe('/c/oidc/login?redirect_url=%2Fharbor%2Fprojects');
  });
});
