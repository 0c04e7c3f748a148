import type { OidcSettings } from './oidc-settings';

/** What the provider says about a user (Harbor's oidc.UserInfo), from the ID token and the userinfo answer. */
export interface OidcUserInfo {
  issuer: string;
  subject: string;
  /** The name a new account would get: the user claim, else `name`. */
  username: string;
  email: string;
  groups: string[];
  adminGroupMember: boolean;
  /** Whether the claims had the groups claim at all (an absent claim leaves group memberships alone). */
  hasGroupClaim: boolean;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The groups claim as a list: providers send a list, or a single string for a user in one
 * group; anything else (or no such claim) is no claim.
 */
export function groupsFromClaims(claims: Record<string, unknown>, claim: string): { groups: string[]; present: boolean } {
  if (claim.trim() === '' || !(claim in claims)) return { groups: [], present: false };
  const value = claims[claim];
  if (Array.isArray(value)) return { groups: value.filter((g): g is string => typeof g === 'string'), present: true };
  if (typeof value === 'string') return { groups: [value], present: true };
  return { groups: [], present: false };
}

/** The groups whose names match the filter (a regular expression; empty or invalid: all of them, as Harbor). */
export function filterGroups(groups: readonly string[], filter: string): string[] {
  if (filter === '') return [...groups];
  let pattern: RegExp;
  try {
    pattern = new RegExp(filter, 'u');
  } catch {
    return [...groups];
  }
  return groups.filter((name) => pattern.test(name));
}

/** The user as a set of claims (an ID token's or a userinfo answer's) describes them. */
export function userInfoFromClaims(claims: Record<string, unknown>, settings: Pick<OidcSettings, 'userClaim' | 'groupsClaim' | 'adminGroup'>): OidcUserInfo {
  const claimed = settings.userClaim === '' ? '' : text(claims[settings.userClaim]);
  const { groups, present } = groupsFromClaims(claims, settings.groupsClaim);
  return {
    issuer: text(claims['iss']),
    subject: text(claims['sub']),
    username: claimed || text(claims['name']),
    email: text(claims['email']),
    groups,
    adminGroupMember: settings.adminGroup !== '' && groups.includes(settings.adminGroup),
    hasGroupClaim: present,
  };
}

/**
 * The ID token's claims completed by the userinfo endpoint's, as Harbor merges them: subject and
 * issuer from the ID token (the userinfo answer must name the same subject), the e-mail address
 * from userinfo, groups from whichever has the groups claim (userinfo first), and the name from
 * the configured user claim of the ID token, else userinfo's.
 */
export function mergeUserInfo(idToken: OidcUserInfo, remote: OidcUserInfo | undefined, userClaim: string, idTokenClaims: Record<string, unknown>): OidcUserInfo {
  if (!remote) return idToken;
  if (remote.subject !== '' && remote.subject !== idToken.subject) {
    throw new Error('the subject of the userinfo answer does not match the ID token');
  }
  const claimed = userClaim === '' ? '' : text(idTokenClaims[userClaim]);
  const groupsFrom = remote.hasGroupClaim ? remote : idToken.hasGroupClaim ? idToken : undefined;
  return {
    issuer: idToken.issuer,
    subject: idToken.subject,
    username: claimed || remote.username || idToken.username,
    email: remote.email || idToken.email,
    groups: groupsFrom?.groups ?? [],
    adminGroupMember: groupsFrom?.adminGroupMember ?? false,
    hasGroupClaim: groupsFrom !== undefined,
  };
}
