/** The console's languages: English, Simplified and Traditional Chinese. */
export const LANGUAGES = [
  { code: 'en-US', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
  { code: 'zh-TW', label: '繁體中文' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];
export const FALLBACK_LANGUAGE: Language = 'en-US';

/** The reader's choice, else the browser's first language we have (zh-HK and zh-Hant read Traditional). */
export function pickLanguage(saved: string | null, preferred: readonly string[]): Language {
  const known = LANGUAGES.map((l) => l.code) as string[];
  if (saved && known.includes(saved)) return saved as Language;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) {
      return /hant|tw|hk|mo/.test(lower) ? 'zh-TW' : 'zh-CN';
    }
    if (lower.startsWith('en')) return 'en-US';
  }
  return FALLBACK_LANGUAGE;
}
