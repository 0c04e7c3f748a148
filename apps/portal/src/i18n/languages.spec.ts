import { pickLanguage } from './languages';

describe('pickLanguage', () => {
  it('keeps a saved choice we have', () => {
    expect(pickLanguage('zh-TW', ['en-US'])).toBe('zh-TW');
    expect(pickLanguage('fr-FR', ['zh-CN'])).toBe('zh-CN');
  });

  it('reads Traditional Chinese from Taiwan, Hong Kong and Hant tags', () => {
    expect(pickLanguage(null, ['zh-TW'])).toBe('zh-TW');
    expect(pickLanguage(null, ['zh-HK'])).toBe('zh-TW');
    expect(pickLanguage(null, ['zh-Hant'])).toBe('zh-TW');
    expect(pickLanguage(null, ['zh'])).toBe('zh-CN');
    expect(pickLanguage(null, ['de-DE', 'en-GB'])).toBe('en-US');
    expect(pickLanguage(null, ['de-DE'])).toBe('en-US');
  });
});
