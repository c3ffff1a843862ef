import { useTranslation } from 'react-i18next';
import type { Language } from '../../contract/hallConfig';
import { useFlow } from '../flow/FlowContext';
import { directionOf, LANGUAGE_NAMES, switchLanguage } from '../i18n/i18n';

const ONLY_DEFAULT: Language[] = ['zh-CN'];

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const languages = useFlow((s) => s.context?.languages ?? ONLY_DEFAULT);
  if (languages.length < 2) return null;
  return (
    <nav className="language-switch" aria-label={t('language.switchLabel')}>
      {languages.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng}
          dir={directionOf(lng)}
          aria-pressed={i18n.language === lng}
          onClick={() => void switchLanguage(i18n, lng)}
        >
          {LANGUAGE_NAMES[lng]}
        </button>
      ))}
    </nav>
  );
}
