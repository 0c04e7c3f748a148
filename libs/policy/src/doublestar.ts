/**
 * Harbor's "doublestar" patterns for repository and tag selectors:
 *   **        any characters, "/" included
 *   *         any characters except "/"
 *   ?         one character except "/"
 *   [abc] [a-z] [!abc]   one character of (or not of) a set
 *   {a,b,c}   one of the alternatives (each itself a pattern; no nesting)
 * Everything else matches itself. The whole value must match.
 */
export class PatternError extends Error {}

export function compilePattern(pattern: string): RegExp {
  let out = '';
  let i = 0;
  let inAlternatives = false;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '.*';
        i += 2;
      } else {
        out += '[^/]*';
        i++;
      }
      continue;
    }
    if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new PatternError(`unclosed "[" in pattern "${pattern}"`);
      let set = pattern.slice(i + 1, end);
      const negated = set.startsWith('!') || set.startsWith('^');
      if (negated) set = set.slice(1);
      out += `[${negated ? '^' : ''}${set.replace(/[\\\]^]/g, (m) => '\\' + m)}]`;
      i = end + 1;
      continue;
    } else if (c === '{') {
      if (inAlternatives) throw new PatternError(`nested "{" in pattern "${pattern}"`);
      inAlternatives = true;
      out += '(?:';
    } else if (c === '}' && inAlternatives) {
      inAlternatives = false;
      out += ')';
    } else if (c === ',' && inAlternatives) out += '|';
    else if (c === '\\' && i + 1 < pattern.length) {
      out += escape(pattern[i + 1] as string);
      i += 2;
      continue;
    } else out += escape(c);
    i++;
  }
  if (inAlternatives) throw new PatternError(`unclosed "{" in pattern "${pattern}"`);
  return new RegExp(`^${out}$`, 's');
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? '\\' + c : c;
}

/** Why `pattern` cannot be used, or null. */
export function patternProblem(pattern: string): string | null {
  if (pattern === '') return 'the pattern is empty';
  try {
    compilePattern(pattern);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

const compiled = new Map<string, RegExp>();

/** Whether `value` matches `pattern` (compiled patterns are kept; rules repeat). */
export function matches(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = compilePattern(pattern);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.test(value);
}
