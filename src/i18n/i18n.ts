import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../contract/hallConfig';
import { LANGUAGE_NAMES as CITIZEN_LANGUAGE_NAMES, RIGHT_TO_LEFT } from '../../contract/ratingTexts';
import { zhCN, type Resources } from './zh-CN';

export const DEFAULT_LANGUAGE: Language = 'zh-CN';

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Resources };
  }
}

/**
 * The other languages are separate chunks, fetched (or read from the service worker's cache)
 * when first chosen: the first screen does not pay for four translations it may never show.
 */
const LOADERS: Record<Exclude<Language, 'zh-CN'>, () => Promise<Resources>> = {
  'zh-TW': () => import('./zh-TW').then((m) => m.zhTW),
  en: () => import('./en').then((m) => m.en),
  ug: () => import('./ug').then((m) => m.ug),
  bo: () => import('./bo').then((m) => m.bo),
};

/** Each language's own name (shared with the intake's phone page). */
export const LANGUAGE_NAMES: Record<Language, string> = CITIZEN_LANGUAGE_NAMES;

export function directionOf(language: string): 'rtl' | 'ltr' {
  return RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}

/** Switches language, loading its translation first if this is its first use. */
export async function switchLanguage(instance: i18n, language: Language): Promise<void> {
  if (language !== 'zh-CN' && !instance.hasResourceBundle(language, 'translation')) {
    instance.addResourceBundle(language, 'translation', await LOADERS[language]());
  }
  await instance.changeLanguage(language);
}

export function createI18n(): i18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { [DEFAULT_LANGUAGE]: { translation: zhCN } },
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}
