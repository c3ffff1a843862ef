import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../contract/hallConfig';
import { bo } from './bo';
import { en } from './en';
import { ug } from './ug';
import { zhCN, type Resources } from './zh-CN';
import { zhTW } from './zh-TW';

export const DEFAULT_LANGUAGE: Language = 'zh-CN';

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Resources };
  }
}

/** Every language the evaluator ships; the hall config picks which of them are offered. */
export const RESOURCES: Record<Language, Resources> = { 'zh-CN': zhCN, 'zh-TW': zhTW, en, ug, bo };

/** Each language's own name, so a citizen finds theirs whatever language is showing. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  'zh-CN': '简体中文',
  'zh-TW': '繁體中文',
  en: 'English',
  ug: 'ئۇيغۇرچە',
  bo: 'བོད་ཡིག',
};

const RIGHT_TO_LEFT: ReadonlySet<string> = new Set<Language>(['ug']);

export function directionOf(language: string): 'rtl' | 'ltr' {
  return RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}

export function createI18n(): i18n {
  const instance = i18next.createInstance();
  const resources = Object.fromEntries(Object.entries(RESOURCES).map(([lng, translation]) => [lng, { translation }]));
  void instance.use(initReactI18next).init({
    resources,
    lng: DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return instance;
}
