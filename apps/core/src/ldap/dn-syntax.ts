const ATTRIBUTE_TYPE = /^\s*(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)\s*$/;

/**
 * True when `dn` has the shape of a distinguished name (RFC 4514): comma-separated RDNs of
 * `type=value` pairs (joined by `+` when multi-valued), backslash escapes honoured. Catches
 * what an administrator mistyped before it is compared with, or sent to, the directory.
 */
export function isWellFormedDn(dn: string): boolean {
  if (dn.trim() === '') return false;
  let pair = '';
  const pairs: string[] = [];
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (c === '\\') {
      if (i + 1 >= dn.length) return false;
      pair += c + dn[++i];
    } else if (c === ',' || c === '+') {
      pairs.push(pair);
      pair = '';
    } else {
      pair += c;
    }
  }
  pairs.push(pair);
  return pairs.every((p) => {
    const eq = p.indexOf('=');
    return eq > 0 && ATTRIBUTE_TYPE.test(p.slice(0, eq)) && !p.slice(0, eq).includes('\\');
  });
}
