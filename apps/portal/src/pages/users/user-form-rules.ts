/**
 * The checks the user dialogs make before sending, mirroring what the API enforces so that a
 * mistake is pointed out at the field; the API still decides and its refusal is shown as it is.
 */

/** Harbor's password rule: 8 to 128 characters with an upper-case letter, a lower-case letter and a digit. */
export function passwordMeetsRule(password: string): boolean {
  return password.length >= 8 && password.length <= 128 && /[A-Z]/.test(password) && /[a-z]/.test(password) && /[0-9]/.test(password);
}

const RESERVED = /[,~#$%\s:/]/;

/** User names: 1 to 255 characters, none of , ~ # $ % : / or white space (robot names start with `robot$`). */
export function usernameAllowed(username: string): boolean {
  return username.length >= 1 && username.length <= 255 && !RESERVED.test(username);
}

/** Real names: 1 to 255 characters, none of , ~ # $ %. */
export function realnameAllowed(realname: string): boolean {
  return realname.length >= 1 && realname.length <= 255 && !/[,~#$%]/.test(realname);
}

export const COMMENT_MAX = 30;
