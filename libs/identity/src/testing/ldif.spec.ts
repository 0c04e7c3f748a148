import { execFileSync } from 'node:child_process';
import { ldifEntry, sshaPassword } from './ldif';

describe('test directory helpers', () => {
  it('writes {SSHA} values slappasswd would write for the same salt', () => {
    const salt = Buffer.from('0123456789abcdef', 'hex');
    const value = sshaPassword('secret', salt);
    const raw = Buffer.from(value.slice('{SSHA}'.length), 'base64');
    expect(raw.subarray(20)).toEqual(salt);
    // Same password and salt as a hash slappasswd made: the same value.
    const theirs = execFileSync('/usr/sbin/slappasswd', ['-s', 'secret', '-h', '{SSHA}'], { encoding: 'utf8' }).trim();
    const theirSalt = Buffer.from(theirs.slice('{SSHA}'.length), 'base64').subarray(20);
    expect(sshaPassword('secret', theirSalt)).toBe(theirs);
  });

  it('writes unsafe LDIF values in base64', () => {
    expect(ldifEntry('uid=a,dc=x', { cn: ['plain', ' leading', 'Zoë'], sn: 'ok' })).toBe(
      `dn: uid=a,dc=x\ncn: plain\ncn:: ${Buffer.from(' leading').toString('base64')}\ncn:: ${Buffer.from('Zoë').toString('base64')}\nsn: ok\n`,
    );
  });
});
