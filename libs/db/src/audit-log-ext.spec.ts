import { type AuditExtRecord, type AuditForwarder, type AuditLogSettings, type AuditLogSettingsReader, AuditTrail, auditForwardMessage, eventTypeList } from './audit-log-ext';

const record = (operation: string, resourceType: string, resource = 'x'): AuditExtRecord => ({
  projectId: null,
  operation,
  resourceType,
  resource,
  username: 'admin',
  description: `${operation} ${resourceType}`,
  success: true,
  opTime: new Date('2026-01-02T03:04:05Z'),
});

/** A settings source whose values the test sets. */
function source(settings: AuditLogSettings): AuditLogSettingsReader & { set(s: Partial<AuditLogSettings>): void } {
  let current = settings;
  return {
    current: async () => current,
    forget: () => undefined,
    set: (s: Partial<AuditLogSettings>) => {
      current = { ...current, ...s };
    },
  };
}

describe('AuditTrail', () => {
  const sent: string[][] = [];
  const opened: string[] = [];
  const closed: string[] = [];
  const open = (endpoint: string): AuditForwarder | string => {
    if (endpoint === 'bad') return 'not an endpoint';
    opened.push(endpoint);
    const lines: string[] = [];
    sent.push(lines);
    return { send: (m) => lines.push(m), close: () => closed.push(endpoint) };
  };
  beforeEach(() => {
    sent.length = 0;
    opened.length = 0;
    closed.length = 0;
  });

  it('keeps rows of enabled event types for the database and forwards nothing without an endpoint', async () => {
    const trail = new AuditTrail(source({ skipDatabase: false, disabledEventTypes: new Set(['pull_artifact']), forwardEndpoint: '' }), open, { warn: () => undefined });
    const result = await trail.admit([record('pull', 'artifact'), record('create', 'user')]);
    expect(result).toEqual({ rows: [record('create', 'user')], writeDatabase: true });
    expect(opened).toEqual([]);
  });

  it('forwards what it keeps, skips the database when told, and follows a changed endpoint', async () => {
    const settings = source({ skipDatabase: true, disabledEventTypes: new Set(), forwardEndpoint: 'a:514' });
    const trail = new AuditTrail(settings, open, { warn: () => undefined });
    expect(await trail.admit([record('create', 'user', 'alice')])).toEqual({ rows: [], writeDatabase: false });
    expect(sent[0]).toEqual([expect.stringContaining('action:create, resource:alice, operation_description:create user')]);
    await trail.admit([record('delete', 'user')]);
    expect(opened).toEqual(['a:514']);
    settings.set({ forwardEndpoint: 'b:514' });
    await trail.admit([record('delete', 'user')]);
    expect({ opened, closed }).toEqual({ opened: ['a:514', 'b:514'], closed: ['a:514'] });
    settings.set({ forwardEndpoint: '' });
    await trail.admit([record('delete', 'user')]);
    expect(closed).toEqual(['a:514', 'b:514']);
  });

  it('warns once about an endpoint it cannot use and goes on recording', async () => {
    const warnings: string[] = [];
    const trail = new AuditTrail(source({ skipDatabase: false, disabledEventTypes: new Set(), forwardEndpoint: 'bad' }), open, { warn: (m) => warnings.push(m) });
    await trail.admit([record('create', 'user')]);
    expect((await trail.admit([record('create', 'user')])).rows).toHaveLength(1);
    expect(warnings).toEqual(['audit logs are not forwarded: not an endpoint']);
  });
});

describe('auditForwardMessage', () => {
  it("is Harbor's text log line with the operator, result, resource type and time fields", () => {
    expect(auditForwardMessage({ ...record('login', 'user', 'bob'), username: 'bob', description: 'login', success: false }, new Date('2026-01-02T03:04:06.5Z'))).toBe(
      '2026-01-02T03:04:06Z [INFO] [operator="bob" result="false" resourceType="user" time="2026-01-02T03:04:05Z"]: action:login, resource:bob, operation_description:login',
    );
  });
});

describe('eventTypeList', () => {
  it('trims, lower-cases and drops empty names', () => {
    expect(eventTypeList(' Create_User, ,pull_artifact,')).toEqual(['create_user', 'pull_artifact']);
  });
});
