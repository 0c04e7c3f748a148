import { safeRedirect } from './safe-redirect';

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
