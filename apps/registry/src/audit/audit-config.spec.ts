import { loadAuditConfig } from './audit-config';

describe('loadAuditConfig', () => {
  it('is on by default: written every second or every 500 events', () => {
    expect(loadAuditConfig({})).toEqual({ enabled: true, flushMs: 1000, batchSize: 500, maxPending: 100_000 });
  });

  it('REGISTRY_AUDIT=false (or 0) turns it off; true and 1 keep it on, in any case', () => {
    expect(loadAuditConfig({ REGISTRY_AUDIT: 'false' }).enabled).toBe(false);
    expect(loadAuditConfig({ REGISTRY_AUDIT: 'FALSE' }).enabled).toBe(false);
    expect(loadAuditConfig({ REGISTRY_AUDIT: '0' }).enabled).toBe(false);
    expect(loadAuditConfig({ REGISTRY_AUDIT: 'True' }).enabled).toBe(true);
    expect(loadAuditConfig({ REGISTRY_AUDIT: '1' }).enabled).toBe(true);
    expect(loadAuditConfig({ REGISTRY_AUDIT: '' }).enabled).toBe(true);
  });

  it('refuses values it cannot read, naming the key and the reason', () => {
    expect(() => loadAuditConfig({ REGISTRY_AUDIT: 'off' })).toThrow('invalid REGISTRY_AUDIT: "off" (expected true or false)');
    expect(() => loadAuditConfig({ REGISTRY_AUDIT_FLUSH_MS: '5' })).toThrow('invalid REGISTRY_AUDIT_FLUSH_MS: "5" is not an integer between 10 and 60000');
    expect(() => loadAuditConfig({ REGISTRY_AUDIT_BATCH: '1.5' })).toThrow(/invalid REGISTRY_AUDIT_BATCH/);
  });

  it('takes the flush interval and batch size from the environment', () => {
    expect(loadAuditConfig({ REGISTRY_AUDIT_FLUSH_MS: '250', REGISTRY_AUDIT_BATCH: '20' })).toMatchObject({ flushMs: 250, batchSize: 20 });
  });
});
