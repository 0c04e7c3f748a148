import { badRequest } from './harbor-error';
import { ParsedQuery, QueryTerm, SortKey } from './query';

/** Positional parameters of one SQL statement: `add(v)` returns its `$n`. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `int` is PostgreSQL's 32-bit integer, `bigint` its 64-bit one (within JavaScript's safe range). */
export type FieldType = 'text' | 'int' | 'bigint' | 'bool' | 'time';

export interface FieldSpec {
  /** SQL expression of the column (trusted: written in code, never from the request). */
  column: string;
  type: FieldType;
  /** Exact matches ignore case (user names, e-mail addresses). */
  ignoreCase?: boolean;
}

export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

const TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** "2020-04-09 02:36:00", "2020-04-09T02:36:00Z", "2020-04-09"; no zone means UTC. */
export function parseTime(value: string): Date | undefined {
  const m = TIME.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${frac}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function convert(key: string, spec: FieldSpec, value: string): unknown {
  switch (spec.type) {
    case 'text':
      return value;
    case 'int':
    case 'bigint': {
      const max = spec.type === 'int' ? 2_147_483_647 : Number.MAX_SAFE_INTEGER;
      if (!/^-?\d{1,16}$/.test(value) || Math.abs(Number(value)) > max) {
        throw badRequest(`invalid query value for ${key}: ${JSON.stringify(value)} is not an integer of at most ${max}`);
      }
      return Number(value);
    }
    case 'bool':
      if (value !== 'true' && value !== 'false') throw badRequest(`invalid query value for ${key}: ${JSON.stringify(value)} is not true or false`);
      return value === 'true';
    case 'time': {
      const t = parseTime(value);
      if (!t) throw badRequest(`invalid query value for ${key}: ${JSON.stringify(value)} is not a time like "2006-01-02 15:04:05"`);
      return t;
    }
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function condition(key: string, spec: FieldSpec, term: QueryTerm, params: SqlParams): string {
  const col = spec.column;
  switch (term.kind) {
    case 'exact': {
      const value = convert(key, spec, term.value);
      return spec.type === 'text' && spec.ignoreCase ? `lower(${col}) = lower(${params.add(value)})` : `${col} = ${params.add(value)}`;
    }
    case 'fuzzy':
      if (spec.type !== 'text') throw badRequest(`invalid query: ${key} does not support fuzzy matching`);
      return `${col} ILIKE ${params.add(`%${escapeLike(term.value)}%`)}`;
    case 'range': {
      if (spec.type === 'bool') throw badRequest(`invalid query: ${key} does not support ranges`);
      const parts: string[] = [];
      if (term.min !== undefined) parts.push(`${col} >= ${params.add(convert(key, spec, term.min))}`);
      if (term.max !== undefined) parts.push(`${col} <= ${params.add(convert(key, spec, term.max))}`);
      return parts.join(' AND ');
    }
    case 'any': {
      const values = term.values.map((v) => convert(key, spec, v));
      if (spec.type === 'text' && spec.ignoreCase) return `lower(${col}) = ANY(${params.add(values.map((v) => String(v).toLowerCase()))})`;
      return `${col} = ANY(${params.add(values)})`;
    }
    case 'all':
      throw badRequest(`invalid query: ${key} does not support "(...)" lists`);
  }
}

/**
 * SQL conditions for `q` over the fields a list allows. A key the list cannot filter by is
 * skipped, as Harbor skips it; a value that does not fit its field is a 400.
 */
export function whereFromQuery(query: ParsedQuery, fields: FieldSpecs, params: SqlParams): string[] {
  const conditions: string[] = [];
  for (const [key, term] of query) {
    const spec = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (spec) conditions.push(condition(key, spec, term, params));
  }
  return conditions;
}

/**
 * ORDER BY for `sort` over the allowed fields, then `tiebreak` so that pages never overlap. Keys
 * the list cannot sort by are skipped, as Harbor skips them; without any sortable key, `fallback`
 * (trusted SQL) is used.
 */
export function orderBy(sort: SortKey[], fields: FieldSpecs, fallback: string, tiebreak: string): string {
  const parts: string[] = [];
  for (const { key, descending } of sort) {
    const spec = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (spec) parts.push(`${spec.column} ${descending ? 'DESC' : 'ASC'}`);
  }
  return `${parts.length > 0 ? parts.join(', ') : fallback}, ${tiebreak}`;
}

export function whereClause(conditions: string[]): string {
  return conditions.length > 0 ? `WHERE ${conditions.map((c) => `(${c})`).join(' AND ')}` : '';
}
