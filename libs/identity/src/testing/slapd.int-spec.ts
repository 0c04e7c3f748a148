import { createConnection } from 'node:net';
import { Client } from 'ldapts';
import { buildDirectory } from './ldif';
import { startSlapd } from './slapd';

const SUFFIX = 'dc=helper,dc=test';

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('startSlapd', () => {
  it('serves the seeded directory on loopback and is gone after stop', async () => {
    const dir = buildDirectory(SUFFIX, [{ uid: 'alice', password: 'Alice-Pass-1' }], [{ cn: 'devs', members: ['alice'] }]);
    const slapd = await startSlapd({ suffix: SUFFIX, ldif: dir.ldif });
    try {
      expect(slapd.url).toBe(`ldap://127.0.0.1:${slapd.port}`);
      const client = new Client({ url: slapd.url });
      try {
        // Anonymous clients see nothing (slapd even hides the suffix); the service account sees the entries.
        const anonymous = await client.search(SUFFIX, { filter: '(uid=alice)' }).then((r) => r.searchEntries, () => []);
        expect(anonymous).toEqual([]);
        await client.bind(dir.searchDn, dir.searchPassword);
        const { searchEntries } = await client.search(dir.groupsDn, { filter: '(cn=devs)', attributes: ['member'] });
        expect(searchEntries[0]?.['member']).toContain(dir.userDn('alice'));
        await client.bind(dir.userDn('alice'), 'Alice-Pass-1');
      } finally {
        await client.unbind();
      }
    } finally {
      await slapd.stop();
    }
    expect(await connects(slapd.port)).toBe(false);
    await expect(slapd.stop()).resolves.toBeUndefined();
  });

  it('fails with the tools’ own messages when the directory cannot be loaded', async () => {
    // No suffix entry: slapadd cannot place the other records.
    const ldif = buildDirectory(SUFFIX, []).ldif.split('\n\n').slice(1).join('\n\n');
    await expect(startSlapd({ suffix: SUFFIX, ldif })).rejects.toThrow(/slapadd[\s\S]*entries missing/);
  });
});
