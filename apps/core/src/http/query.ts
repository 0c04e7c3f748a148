import { badRequest } from './harbor-error';

/**
 * Harbor's `q` list filter: `k=v` exact, `k=~v` fuzzy, `k=[min~max]` range (either end may be
 * empty), `k={v1 v2}` any of, `k=(v1 v2)` all of; terms separated by commas. Values may be
 * quoted with " or '. Here a comma inside quotes or brackets does not end a term.
 */
export type QueryTerm =
  | { kind: 'exact'; value: string }
  | { kind: 'fuzzy'; value: string }
  | { kind: 'range'; min?: string; max?: string }
  | { kind: 'any'; values: string[] }
  | { kind: 'all'; values: string[] };

export type ParsedQuery = Map<string, QueryTerm>;

const CLOSING: Record<string, string> = { '[': ']', '{': '}', '(': ')' };

function splitTerms(q: string): string[] {
  const terms: string[] = [];
  let current = '';
  let quote: string | undefined;
  let closing: string | undefined;
  for (const ch of q) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (closing) {
      if (ch === closing) closing = undefined;
    } else if (CLOSING[ch] && current.endsWith('=')) {
      closing = CLOSING[ch];
    } else if (ch === ',') {
      terms.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  terms.push(current);
  return terms;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) return v.slice(1, -1);
  return v;
}

function parseList(raw: string, open: string): string[] {
  if (!raw.endsWith(CLOSING[open])) throw new Error(`a list starting with "${open}" must end with "${CLOSING[open]}"`);
  const values = raw
    .slice(1, -1)
    .split(' ')
    .map(unquote)
    .filter((v) => v.length > 0);
  if (values.length === 0) throw new Error('the list is empty');
  return values;
}

function parseTerm(raw: string): QueryTerm {
  switch (raw[0]) {
    case '~':
      if (raw.length < 2) throw new Error('a fuzzy match needs a value after "~"');
      return { kind: 'fuzzy', value: unquote(raw.slice(1)) };
    case '[': {
      if (!raw.endsWith(']') || raw.split('~').length !== 2) throw new Error('a range must look like [min~max]');
      const [min, max] = raw.slice(1, -1).split('~').map(unquote);
      if (!min && !max) throw new Error('a range needs a minimum, a maximum or both');
      return { kind: 'range', min: min || undefined, max: max || undefined };
    }
    case '{':
      return { kind: 'any', values: parseList(raw, '{') };
    case '(':
      return { kind: 'all', values: parseList(raw, '(') };
    default:
      // A leading backslash lets an exact value start with one of the characters above.
      return { kind: 'exact', value: unquote(raw.startsWith('\\') ? raw.slice(1) : raw) };
  }
}

/**
 * Harbor decodes `q` once more after the query string itself was decoded, so that a client that
 * encoded it twice (`q=name%253D~web`) is understood. This decodes the same way, as Go's
 * url.QueryUnescape does (`+` becomes a space, `%XX` a byte, a malformed escape leaves `q` as it
 * was), but only a `q` that still holds an escape: a `q` encoded once keeps its `+` signs, which
 * media types such as `application/vnd.oci.image.config.v1+json` hold and Harbor would lose.
 */
export function unescapeQuery(q: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(q)) return q;
  try {
    return decodeURIComponent(q.replace(/\+/g, ' '));
  } catch {
    return q;
  }
}

/**
 * Parses `q` (decoded once more, as Harbor does); a malformed term is a 400 that names it. A key
 * given twice keeps its last value, as in Harbor.
 */
export function parseQuery(raw: string | undefined): ParsedQuery {
  const parsed: ParsedQuery = new Map();
  if (raw === undefined) return parsed;
  const q = unescapeQuery(raw);
  if (q.trim() === '') return parsed;
  for (const term of splitTerms(q)) {
    const eq = term.indexOf('=');
    const key = eq > 0 ? term.slice(0, eq).trim() : '';
    const value = eq > 0 ? term.slice(eq + 1).trim() : '';
    if (!key || !value) throw badRequest(`invalid query ${JSON.stringify(term)}: every term must be key=value with neither empty`);
    try {
      parsed.set(key, parseTerm(value));
    } catch (err) {
      throw badRequest(`invalid query value for ${key}: ${(err as Error).message}`);
    }
  }
  return parsed;
}

export interface SortKey {
  key: string;
  descending: boolean;
}

/** Harbor's `sort=field1,-field2` (keys a list cannot sort by are skipped where it is applied). */
export function parseSort(sort: string | undefined): SortKey[] {
  if (sort === undefined || sort.trim() === '') return [];
  return sort.split(',').map((part) => {
    const p = part.trim();
    const descending = p.startsWith('-');
    const key = descending ? p.slice(1) : p;
    if (!key) throw badRequest(`invalid sort ${JSON.stringify(sort)}`);
    return { key, descending };
  });
}
