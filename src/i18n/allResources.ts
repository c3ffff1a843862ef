import type { Language } from '../../contract/hallConfig';
import { bo } from './bo';
import { en } from './en';
import { ug } from './ug';
import { zhCN, type Resources } from './zh-CN';
import { zhTW } from './zh-TW';

/** Every translation at once, for tests and build scripts (the app loads them one by one). */
export const ALL_RESOURCES: Record<Language, Resources> = { 'zh-CN': zhCN, 'zh-TW': zhTW, en, ug, bo };
