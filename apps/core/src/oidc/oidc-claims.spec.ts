import { filterGroups, groupsFromClaims, mergeUserInfo, userInfoFromClaims } from './oidc-claims';

const SETTINGS = { userClaim: '', groupsClaim: 'groups', adminGroup: 'admins' };

describe('OIDC claims', () => {
  it('reads the groups claim as a list, a single string as one group, and anything else as no claim', () => {
    expect(groupsFromClaims({ groups: ['a', 1, 'b'] }, 'groups')).toEqual({ groups: ['a', 'b'], present: true });
    expect(groupsFromClaims({ groups: 'a' }, 'groups')).toEqual({ groups: ['a'], present: true });
    expect(groupsFromClaims({ groups: { a: 1 } }, 'groups')).toEqual({ groups: [], present: false });
    expect(groupsFromClaims({ groups: ['a'] }, '')).toEqual({ groups: [], present: false });
    expect(groupsFromClaims({}, 'groups')).toEqual({ groups: [], present: false });
  });

  it('filters groups by a regular expression; an empty or broken filter keeps them all', () => {
    expect(filterGroups(['dev-a', 'ops', 'dev-b'], '^dev-')).toEqual(['dev-a', 'dev-b']);
    expect(filterGroups(['x'], '')).toEqual(['x']);
    expect(filterGroups(['x'], '(')).toEqual(['x']);
  });

  it('names the user by the user claim, else by name; the admin group decides admin membership', () => {
    const claims = { iss: 'https://idp', sub: 's1', name: 'Ann Lee', preferred_username: 'ann', email: 'ann@x.test', groups: ['admins'] };
    expect(userInfoFromClaims(claims, SETTINGS)).toEqual({
      issuer: 'https://idp',
      subject: 's1',
      username: 'Ann Lee',
      email: 'ann@x.test',
      groups: ['admins'],
      adminGroupMember: true,
      hasGroupClaim: true,
    });
    expect(userInfoFromClaims(claims, { ...SETTINGS, userClaim: 'preferred_username', adminGroup: '' })).toMatchObject({ username: 'ann', adminGroupMember: false });
    // A user claim that is not a string falls back to name.
    expect(userInfoFromClaims({ ...claims, preferred_username: 7 }, { ...SETTINGS, userClaim: 'preferred_username' }).username).toBe('Ann Lee');
  });

  it('merges userinfo into the ID token as Harbor does, and refuses another subject', () => {
    const idClaims = { iss: 'https://idp', sub: 's1', name: 'From Token', groups: ['a'] };
    const local = userInfoFromClaims(idClaims, SETTINGS);
    const remote = userInfoFromClaims({ sub: 's1', name: 'From Userinfo', email: 'u@x.test', groups: ['admins'] }, SETTINGS);
    expect(mergeUserInfo(local, remote, '', idClaims)).toMatchObject({ issuer: 'https://idp', username: 'From Userinfo', email: 'u@x.test', groups: ['admins'], adminGroupMember: true });
    const noGroups = userInfoFromClaims({ sub: 's1' }, SETTINGS);
    expect(mergeUserInfo(local, noGroups, '', idClaims)).toMatchObject({ username: 'From Token', groups: ['a'], hasGroupClaim: true });
    expect(mergeUserInfo(local, undefined, '', idClaims)).toBe(local);
    expect(() => mergeUserInfo(local, userInfoFromClaims({ sub: 'other' }, SETTINGS), '', idClaims)).toThrow('does not match');
  });
});
