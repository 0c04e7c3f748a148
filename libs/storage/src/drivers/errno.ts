/** True if `err` is a Node system error with the given errno code (e.g. 'ENOENT'). */
export function hasErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
