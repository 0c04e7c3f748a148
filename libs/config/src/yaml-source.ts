import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigProblem } from './config-problem';

export type KeyPath = readonly (string | number)[];

/** `log.local.rotate_size`, `proxy.components[1]`. */
export function dotted(path: KeyPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

export interface Position {
  line: number;
  column: number;
}

/**
 * A parsed harbor.yml: its plain value plus where each key sits in the text, so that every
 * problem can point at a line.
 */
export interface YamlSource {
  /** The document as plain data; undefined when it could not be parsed. */
  value: unknown;
  syntaxProblems: ConfigProblem[];
  /** The position of the key at `path` (or of its value), else of the nearest ancestor in the file. */
  locate(path: KeyPath, what?: 'key' | 'value'): Position | undefined;
}

// Enough for any real harbor.yml; refuses "billion laughs" alias bombs.
const MAX_ALIAS_COUNT = 100;

export function parseYaml(text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const locate = (path: KeyPath, what: 'key' | 'value' = 'value') => locateIn(doc, path, what, at);

  const syntaxProblems = doc.errors.map((e) => ({ key: '(yaml)', reason: `${e.message} (${e.code})`, ...at(e.pos[0]) }));
  if (syntaxProblems.length > 0) return { value: undefined, syntaxProblems, locate };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), syntaxProblems, locate };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { value: undefined, syntaxProblems: [{ key: '(yaml)', reason }], locate };
  }
}

interface Ranged {
  range?: [number, number, number] | null;
}

function start(node: unknown): number | undefined {
  const range = (node as Ranged | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function locateIn(doc: Document, path: KeyPath, what: 'key' | 'value', at: (offset: number) => Position): Position | undefined {
  let node: unknown = doc.contents;
  let found: number | undefined;
  for (let i = 0; i < path.length; i++) {
    const part = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(part));
      if (!pair) break;
      const keyStart = start(pair.key);
      const valueStart = start(pair.value);
      found = last && what === 'value' ? (valueStart ?? keyStart ?? found) : (keyStart ?? found);
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (item === undefined) break;
      found = start(item) ?? found;
      node = item;
    } else {
      break;
    }
  }
  return found === undefined ? undefined : at(found);
}
