/**
 * Limits on JSON that clients send (manifests to the registry, request bodies to the API), shared
 * by both services so that they refuse the same input the same way.
 */

/**
 * Far beyond any manifest or API body (they nest fewer than ten levels), and far below what
 * recursive code (JSON.stringify, validators, PostgreSQL's jsonb) survives.
 */
export const MAX_JSON_DEPTH = 64;

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests arrays and objects deeper than `limit`, found by one pass over the
 * characters (no parse, no recursion), so it can run before anything recursive sees the text.
 * Strings are skipped with indexOf, which costs a fraction of a character-by-character loop (a
 * typical manifest is mostly digests and media types). Invalid JSON gets some answer; the parser
 * that follows refuses it anyway.
 */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (end === -1) return false;
      i = end;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/** The index of the quote that ends the string opened at `open`: the next one not escaped, or -1. */
function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

// Without the `u` flag a regex sees UTF-16 code units, so a surrogate half is matched on its own.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string from JSON cannot be stored as PostgreSQL text or jsonb, or undefined when it can.
 * JSON escapes can carry NUL (`\u0000`) and unpaired surrogates (`\ud800`): PostgreSQL refuses
 * both in jsonb and NUL in text, and a lone surrogate bound for text becomes U+FFFD on its way to
 * UTF-8, so that the stored value differs from the one sent.
 */
export function unstorableTextReason(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate (invalid Unicode)';
  return undefined;
}
