/** PostgreSQL error codes the services turn into API answers. */
interface PgError {
  code?: string;
  constraint?: string;
}

/** 23505: a unique index refused the row (optionally: that index). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as PgError;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** 23503: a foreign key still points at the row (or would point nowhere). */
export function isForeignKeyViolation(err: unknown): boolean {
  return (err as PgError)?.code === '23503';
}
