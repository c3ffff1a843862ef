import { useTranslation } from 'react-i18next';
import { readsChinese } from './citizenWording';

/**
 * Data that stays in Chinese (hall, window and case names from the hall config and the business
 * system): isolated from the text around it, so a right-to-left line keeps it whole, and labelled
 * in the reader's language when they do not read Chinese.
 */
export function ChineseData({ label, children }: { label?: string; children: string }) {
  const { i18n } = useTranslation();
  return (
    <>
      {label && !readsChinese(i18n.language) && <span className="data-label">{label} </span>}
      <bdi lang="zh-CN">{children}</bdi>
    </>
  );
}

/**
 * A value set into a translated sentence, isolated (U+2068 … U+2069) so Chinese or Latin inside an
 * Uyghur sentence, or Uyghur punctuation beside it, does not reorder the line.
 */
export function isolate(value: string): string {
  return `\u2068${value}\u2069`;
}
