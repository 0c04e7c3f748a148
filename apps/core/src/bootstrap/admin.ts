/** The built-in system administrator: created at first start, never deleted or demoted. */
export const ADMIN_USERNAME = 'admin';

export function isBuiltinAdmin(username: string): boolean {
  return username.toLowerCase() === ADMIN_USERNAME;
}
