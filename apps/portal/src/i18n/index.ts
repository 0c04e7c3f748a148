import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { FALLBACK_LANGUAGE, type Language, pickLanguage } from './languages';

/**
 * Every string of the console comes from src/locales/<language>/<namespace>.json. English is in
 * the first bundle; the Chinese texts load when chosen. A key missing at run time is reported on
 * the console (the end-to-end test fails on it) and shown as its English text.
 */
const english = import.meta.glob<{ default: Record<string, unknown> }>('../locales/en-US/*.json', { eager: true });
const others = import.meta.glob<{ default: Record<string, unknown> }>(['../locales/zh-CN/*.json', '../locales/zh-TW/*.json']);

const STORAGE_KEY = 'wharf-lang';
export const missingKeys: string[] = [];

function namespaceOf(path: string): string {
  return path.replace(/^.*\//, '').replace(/\.json$/, '');
}

function bundle(modules: Record<string, { default: Record<string, unknown> }>): Resource[string] {
  const out: Resource[string] = {};
  for (const [path, mod] of Object.entries(modules)) out[namespaceOf(path)] = mod.default;
  return out;
}

async function load(language: Language): Promise<void> {
  if (language === FALLBACK_LANGUAGE || i18next.hasResourceBundle(language, 'common')) return;
  const entries = Object.entries(others).filter(([path]) => path.includes(`/${language}/`));
  const loaded = await Promise.all(entries.map(async ([path, importer]) => [namespaceOf(path), (await importer()).default] as const));
  for (const [ns, resources] of loaded) i18next.addResourceBundle(language, ns, resources, true, true);
}

export async function initI18n(): Promise<typeof i18next> {
  const language = pickLanguage(localStorage.getItem(STORAGE_KEY), navigator.languages ?? [navigator.language]);
  const resources = { [FALLBACK_LANGUAGE]: bundle(english) };
  await i18next.use(initReactI18next).init({
    resources,
    lng: FALLBACK_LANGUAGE,
    fallbackLng: FALLBACK_LANGUAGE,
    ns: Object.keys(resources[FALLBACK_LANGUAGE]),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    saveMissing: true,
    missingKeyHandler: (languages, ns, key) => {
      const entry = `${languages.join(',')}:${ns}:${key}`;
      if (!missingKeys.includes(entry)) missingKeys.push(entry);
      console.error(`i18n: missing key ${entry}`);
    },
  });
  await changeLanguage(language);
  return i18next;
}

export async function changeLanguage(language: Language): Promise<void> {
  await load(language);
  await i18next.changeLanguage(language);
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
}

export { i18next };
