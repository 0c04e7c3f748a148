import { auditEvent } from './audit-event';

const DIGEST = 'sha256:' + 'ab'.repeat(32);
const AT = new Date('2026-01-02T03:04:05Z');

describe('auditEvent', () => {
  it('names the artifact as Harbor does: <repository>:<tag> or <repository>@<digest>', () => {
    expect(auditEvent('create', 'team/app', 'v1', 'alice', '10.0.0.1', AT)).toEqual({
      operation: 'create',
      resourceType: 'artifact',
      repository: 'team/app',
      resource: 'team/app:v1',
      username: 'alice',
      clientIp: '10.0.0.1',
      opTime: AT,
    });
    expect(auditEvent('pull', 'team/sub/app', DIGEST, 'anonymous', null, AT)).toMatchObject({ resourceType: 'artifact', resource: `team/sub/app@${DIGEST}` });
  });

  it('a delete by digest removes the artifact; a delete by tag removes only the tag (resource type tag)', () => {
    expect(auditEvent('delete', 'team/app', DIGEST, 'alice', null, AT)).toMatchObject({ operation: 'delete', resourceType: 'artifact', resource: `team/app@${DIGEST}` });
    expect(auditEvent('delete', 'team/app', 'v1', 'alice', null, AT)).toMatchObject({ operation: 'delete', resourceType: 'tag', resource: 'team/app:v1' });
  });
});
