import { createHash, randomBytes } from 'node:crypto';

/** An `{SSHA}` userPassword value (salted SHA-1), the scheme slappasswd writes by default. */
export function sshaPassword(password: string, salt: Buffer = randomBytes(8)): string {
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

type Values = string | readonly string[];

/** One LDIF record; values that LDIF cannot carry verbatim are written base64 (`attr:: ...`). */
export function ldifEntry(dn: string, attributes: Readonly<Record<string, Values>>): string {
  const lines = [line('dn', dn)];
  for (const [name, value] of Object.entries(attributes)) {
    for (const v of typeof value === 'string' ? [value] : value) lines.push(line(name, v));
  }
  return `${lines.join('\n')}\n`;
}

function line(name: string, value: string): string {
  // RFC 2849 SAFE-STRING: no leading space, colon or '<', no trailing space, ASCII without NUL/CR/LF.
  const plainAscii = [...value].every((c) => {
    const code = c.charCodeAt(0);
    return code > 0 && code < 0x80 && c !== '\n' && c !== '\r';
  });
  const safe = plainAscii && !/^[ :<]/.test(value) && !value.endsWith(' ');
  return safe ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

export interface DirectoryUser {
  uid: string;
  password?: string;
  cn?: string;
  mail?: string;
  /** Further attributes of the entry (objectClass inetOrgPerson allows many). */
  attributes?: Readonly<Record<string, Values>>;
}

export interface DirectoryGroup {
  cn: string;
  /** uids of members (DNs under ou=people) or full DNs. */
  members: readonly string[];
}

export interface Directory {
  suffix: string;
  peopleDn: string;
  groupsDn: string;
  /** The service account Wharf searches with. */
  searchDn: string;
  searchPassword: string;
  userDn(uid: string): string;
  groupDn(cn: string): string;
  ldif: string;
}

/**
 * A small directory: ou=people with inetOrgPerson users, ou=groups with groupOfNames groups
 * (`member` values, no memberOf), and a service account under ou=services.
 */
export function buildDirectory(suffix: string, users: readonly DirectoryUser[], groups: readonly DirectoryGroup[] = []): Directory {
  const peopleDn = `ou=people,${suffix}`;
  const groupsDn = `ou=groups,${suffix}`;
  const searchDn = `cn=search,ou=services,${suffix}`;
  const searchPassword = 'Search-Account-1';
  const placeholderDn = `cn=placeholder,ou=services,${suffix}`;
  const userDn = (uid: string) => `uid=${uid},${peopleDn}`;
  const groupDn = (cn: string) => `cn=${cn},${groupsDn}`;
  const rdn = /^dc=([^,]+)/i.exec(suffix)?.[1] ?? 'example';
  const records = [
    ldifEntry(suffix, { objectClass: ['dcObject', 'organization'], dc: rdn, o: rdn }),
    ldifEntry(peopleDn, { objectClass: 'organizationalUnit', ou: 'people' }),
    ldifEntry(groupsDn, { objectClass: 'organizationalUnit', ou: 'groups' }),
    ldifEntry(`ou=services,${suffix}`, { objectClass: 'organizationalUnit', ou: 'services' }),
    ldifEntry(searchDn, { objectClass: ['organizationalRole', 'simpleSecurityObject'], cn: 'search', userPassword: sshaPassword(searchPassword) }),
    ...users.map((u) =>
      ldifEntry(userDn(u.uid), {
        objectClass: 'inetOrgPerson',
        uid: u.uid,
        cn: u.cn ?? u.uid,
        sn: u.cn ?? u.uid,
        ...(u.mail ? { mail: u.mail } : {}),
        ...(u.password !== undefined ? { userPassword: sshaPassword(u.password) } : {}),
        ...u.attributes,
      }),
    ),
    ...groups.map((g) =>
      ldifEntry(groupDn(g.cn), {
        objectClass: 'groupOfNames',
        cn: g.cn,
        // groupOfNames needs at least one member at all times (also after a test removes the
        // last real one): every group also names a placeholder that is nobody's entry.
        member: [placeholderDn, ...g.members.map((m) => (m.includes('=') ? m : userDn(m)))],
      }),
    ),
  ];
  return { suffix, peopleDn, groupsDn, searchDn, searchPassword, userDn, groupDn, ldif: records.join('\n') };
}
