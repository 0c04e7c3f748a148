import { configBody, configValuesOf, dayOf, expiresAtOf, parseCveIds } from './project-config';

describe('parseCveIds', () => {
  it('splits on lines, commas and spaces, upper-cases CVE ids and drops repeats', () => {
    expect(parseCveIds('cve-2024-1234, CVE-2023-0001\n\nCVE-2024-1234  GHSA-abcd-efgh-ijkl')).toEqual({
      ids: ['CVE-2024-1234', 'CVE-2023-0001', 'GHSA-abcd-efgh-ijkl'],
      invalid: [],
    });
  });

  it('reports tokens that are not ids', () => {
    expect(parseCveIds('CVE-2024-1 <img> -x')).toEqual({ ids: ['CVE-2024-1'], invalid: ['<img>', '-x'] });
    expect(parseCveIds('   ')).toEqual({ ids: [], invalid: [] });
  });
});

describe('expiry', () => {
  it('is the end of the UTC day', () => {
    expect(expiresAtOf('2027-01-31')).toBe(Date.UTC(2027, 0, 31, 23, 59, 59) / 1000);
    expect(dayOf(expiresAtOf('2027-01-31'))).toBe('2027-01-31');
  });

  it('is undefined for never and NaN for a date that does not exist', () => {
    expect(expiresAtOf('')).toBeUndefined();
    expect(expiresAtOf('2027-02-30')).toBeNaN();
    expect(expiresAtOf('31.01.2027')).toBeNaN();
    expect(dayOf(null)).toBe('');
    expect(dayOf(0)).toBe('');
  });
});

describe('configBody', () => {
  const project = { metadata: { public: 'false' }, cve_allowlist: { items: [{ cve_id: 'CVE-2024-1' }], expires_at: null } };

  it('leaves the allowlist out when it did not change', () => {
    const values = { ...configValuesOf(project), public: true };
    expect(configBody(values, project)).toEqual({ metadata: { public: 'true' } });
  });

  it('sends the whole allowlist when the ids or the expiry changed', () => {
    expect(configBody({ public: false, cveIds: 'CVE-2024-1\nCVE-2024-2', expiresOn: '' }, project)).toEqual({
      metadata: { public: 'false' },
      cve_allowlist: { items: [{ cve_id: 'CVE-2024-1' }, { cve_id: 'CVE-2024-2' }], expires_at: null },
    });
    expect(configBody({ public: false, cveIds: 'CVE-2024-1', expiresOn: '2027-01-31' }, project).cve_allowlist?.expires_at).toBe(expiresAtOf('2027-01-31'));
    expect(configBody({ public: false, cveIds: '', expiresOn: '' }, project).cve_allowlist).toEqual({ items: [], expires_at: null });
  });

  it('reads a project without an allowlist', () => {
    expect(configValuesOf({ metadata: { public: 'true' } })).toEqual({ public: true, cveIds: '', expiresOn: '' });
  });
});
