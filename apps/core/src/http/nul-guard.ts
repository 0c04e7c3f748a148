import { unstorableTextReason } from '@wharf/oci';

/**
 * PostgreSQL refuses NUL characters (and, in jsonb, unpaired UTF-16 surrogates), and a lone
 * surrogate bound for a text column arrives as U+FFFD: a request carrying either would fail deep
 * in a query (a 500) or be stored other than sent. Request bodies are checked up front so that
 * they get a 400 naming the field instead.
 * @returns e.g. `metadata.public contains a NUL character (\u0000)`, or undefined when all is well.
 */
export function unstorableTextIn(body: unknown): string | undefined {
  // Iterative: the JSON parser bounds the depth, but nothing here should rely on it.
  const pending: [unknown, string][] = [[body, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      const reason = unstorableTextReason(value);
      if (reason !== undefined) return `${path === '' ? 'the request body' : path} ${reason}`;
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => pending.push([item, `${path}[${i}]`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const reason = unstorableTextReason(key);
        if (reason !== undefined) return `a key of ${path === '' ? 'the request body' : path} ${reason}`;
        pending.push([item, path === '' ? key : `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

/** A raw request URL with a NUL in it, literally or percent-encoded. */
export function urlContainsNul(url: string): boolean {
  return url.includes('\u0000') || /%00/i.test(url);
}
