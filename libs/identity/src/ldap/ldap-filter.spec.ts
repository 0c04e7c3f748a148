import { andFilter, canonicalDn, equals, escapeFilterValue, isUnderDn, normalizeFilter } from './ldap-filter';

describe('LDAP filters', () => {
  it.each([
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['a\\b', 'a\\5cb'],
    ['nul\u0000', 'nul\\00'],
    ['Zoë (ops)', 'Zoë \\28ops\\29'],
  ])('escapes %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it('combines the configured filter with the assertion', () => {
    expect(andFilter('', equals('uid', 'alice'))).toBe('(uid=alice)');
    expect(andFilter('objectClass=person', equals('uid', 'a*'))).toBe('(&(objectClass=person)(uid=a\\2a))');
    expect(andFilter(' (objectClass=person) ', equals('uid', 'a'))).toBe('(&(objectClass=person)(uid=a))');
    expect(andFilter('(objectClass=groupOfNames)')).toBe('(objectClass=groupOfNames)');
    expect(andFilter('')).toBe('');
    expect(normalizeFilter('  ')).toBe('');
  });

  it('compares DNs the way operators type them', () => {
    expect(canonicalDn(' CN=Admins, OU=Groups ,DC=Wharf,DC=Test ')).toBe('cn=admins,ou=groups,dc=wharf,dc=test');
    expect(isUnderDn('cn=a,ou=groups,dc=x', 'OU=Groups, DC=x')).toBe(true);
    expect(isUnderDn('ou=groups,dc=x', 'ou=groups,dc=x')).toBe(true);
    expect(isUnderDn('cn=a,ou=othergroups,dc=x', 'ou=groups,dc=x')).toBe(false);
    expect(isUnderDn('cn=a,dc=x', 'ou=groups,dc=x')).toBe(false);
  });
});
