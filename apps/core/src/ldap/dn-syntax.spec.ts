import { isWellFormedDn } from './dn-syntax';

describe('isWellFormedDn', () => {
  it('accepts DNs as directories write and people type them', () => {
    for (const dn of ['cn=qa,ou=groups,dc=example,dc=com', 'CN = QA , OU=Groups,DC=example', 'cn=a\\,b,dc=x', 'cn=x+uid=y,dc=z', '2.5.4.3=x,dc=y', 'cn=,dc=x']) {
      expect([dn, isWellFormedDn(dn)]).toEqual([dn, true]);
    }
  });

  it('refuses what is not one', () => {
    for (const dn of ['', '   ', '===', 'qa', 'cn=x,,dc=y', 'cn=x,=,dc=y', '=x', 'c n=x', 'cn=x\\', 'cn\\=x,dc=y', 'cn=x,dc=y,']) {
      expect([dn, isWellFormedDn(dn)]).toEqual([dn, false]);
    }
  });
});
