import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LANGUAGES } from './languages';

/**
 * Every language has every namespace and every key, no text is empty, placeholders match, and
 * every literal key the sources pass to t() exists in English.
 */
const root = join(__dirname, '..');
const localeDir = join(root, 'locales');

function flatten(value: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value === 'string') {
    out[prefix] = value;
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) Object.assign(out, flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return out;
}

function load(language: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const file of readdirSync(join(localeDir, language))) {
    if (file.endsWith('.json')) out[file.replace(/\.json$/, '')] = flatten(JSON.parse(readFileSync(join(localeDir, language, file), 'utf8')));
  }
  return out;
}

function sources(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files.push(...sources(p));
    else if (/\.tsx?$/.test(name) && !/\.spec\.tsx?$/.test(name)) files.push(p);
  }
  return files;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
/** i18next plural forms (_one, _other, ...) are one key for the sources. */
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');

const english = load('en-US');

describe('locales', () => {
  it.each(LANGUAGES.map((l) => l.code))('%s has every namespace and key, none empty, with the same placeholders', (language) => {
    const texts = load(language);
    expect(Object.keys(texts).sort()).toEqual(Object.keys(english).sort());
    for (const [ns, keys] of Object.entries(english)) {
      const theirs = Object.keys(texts[ns]).map(base);
      expect({ ns, keys: [...new Set(theirs)].sort() }).toEqual({ ns, keys: [...new Set(Object.keys(keys).map(base))].sort() });
      for (const [key, text] of Object.entries(texts[ns])) {
        expect({ key: `${ns}:${key}`, empty: text.trim() === '' }).toEqual({ key: `${ns}:${key}`, empty: false });
        if (keys[key] !== undefined) expect({ key: `${ns}:${key}`, placeholders: placeholders(text) }).toEqual({ key: `${ns}:${key}`, placeholders: placeholders(keys[key]) });
      }
    }
  });

  it('has every key the sources use', () => {
    const missing: string[] = [];
    let used = 0;
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8');
      // The convention: t('namespace:key') with a literal key, so that this test can find it.
      for (const m of text.matchAll(/\bt\(\s*'([a-z][a-z-]*):([A-Za-z0-9_.-]+)'/g)) {
        used++;
        const [, ns, key] = m;
        const keys = english[ns];
        const found = keys && (keys[key] !== undefined || Object.keys(keys).some((k) => base(k) === key));
        if (!found) missing.push(`${relative(root, file)}: ${ns}:${key}`);
      }
    }
    expect(missing).toEqual([]);
    expect(used).toBeGreaterThan(20);
  });

  it('uses only literal namespaced keys with t()', () => {
    const loose: string[] = [];
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*([^)\s][^,)]*)/g)) {
        if (!/^'[a-z][a-z-]*:[A-Za-z0-9_.-]+'$/.test(m[1].trim())) loose.push(`${relative(root, file)}: t(${m[1]}`);
      }
    }
    expect(loose).toEqual([]);
  });
});
