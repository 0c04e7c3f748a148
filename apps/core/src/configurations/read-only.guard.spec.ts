import { readOnlyRefuses } from './read-only.guard';

describe('readOnlyRefuses (Harbor’s read-only allow-list)', () => {
  it('lets the safe methods through on any route', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) expect(readOnlyRefuses(method, '/api/v2.0/projects')).toBe(false);
  });

  it('lets through only the switch, the console sign-in (OIDC onboarding included) and the token service among changes', () => {
    expect(readOnlyRefuses('PUT', '/api/v2.0/configurations')).toBe(false);
    expect(readOnlyRefuses('PUT', '/api/v2.0/configurations/')).toBe(false);
    expect(readOnlyRefuses('POST', '/c/login')).toBe(false);
    expect(readOnlyRefuses('POST', '/service/token')).toBe(false);
    expect(readOnlyRefuses('POST', '/c/oidc/onboard')).toBe(false);
    expect(readOnlyRefuses('POST', '/api/v2.0/system/oidc/ping')).toBe(true);
    // The same routes with another method, and every other change, are refused.
    expect(readOnlyRefuses('POST', '/api/v2.0/configurations')).toBe(true);
    expect(readOnlyRefuses('DELETE', '/c/login')).toBe(true);
    expect(readOnlyRefuses('POST', '/api/v2.0/projects')).toBe(true);
    expect(readOnlyRefuses('DELETE', '/api/v2.0/projects/:project_name_or_id')).toBe(true);
    expect(readOnlyRefuses('PATCH', '/api/v2.0/projects/:project_name/repositories/:repository_name/artifacts/:reference/labels')).toBe(true);
    expect(readOnlyRefuses('TRACE', '/api/v2.0/projects')).toBe(true);
  });
});
