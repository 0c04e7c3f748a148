/**
 * Harbor's rules for local user accounts. Each returns why a value is refused, or undefined.
 * Names may not contain the characters Harbor reserves (`$` also keeps them apart from robot
 * accounts, whose names start with `robot$`).
 */
const ILLEGAL_CHARS = [',', '~', '#', '$', '%'];
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}$/;

export function usernameProblem(username: string, robotPrefix: string): string | undefined {
  if (username.length < 1 || username.length > 255) return 'username must be 1 to 255 characters long';
  if (ILLEGAL_CHARS.some((c) => username.includes(c))) return `username must not contain any of ${ILLEGAL_CHARS.join(' ')}`;
  if (/[\s:/]/.test(username)) return 'username must not contain white space, ":" or "/"';
  if (username.startsWith(robotPrefix)) return `username must not start with the robot account prefix ${robotPrefix}`;
  return undefined;
}

export interface ProfileFields {
  email: string;
  realname: string;
  comment: string;
}

export function profileProblem(profile: ProfileFields): string | undefined {
  if (profile.email.length === 0) return "email can't be empty";
  if (profile.email.length > 255 || !EMAIL.test(profile.email)) return 'email with illegal format';
  if (profile.realname.length < 1 || profile.realname.length > 255) return 'realname must be 1 to 255 characters long';
  if (ILLEGAL_CHARS.some((c) => profile.realname.includes(c))) return `realname must not contain any of ${ILLEGAL_CHARS.join(' ')}`;
  if (profile.comment.length > 30) return 'comment must be at most 30 characters long';
  return undefined;
}
