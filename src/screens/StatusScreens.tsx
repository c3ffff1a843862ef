import { useTranslation } from 'react-i18next';

export function SavingScreen() {
  const { t } = useTranslation();
  return (
    <main className="screen status-screen" data-screen="saving" aria-busy="true">
      <p>{t('saving.text')}</p>
    </main>
  );
}

export function SaveFailedScreen() {
  const { t } = useTranslation();
  return (
    <main className="screen status-screen" data-screen="saveFailed" role="alert">
      <h1>{t('saveFailed.title')}</h1>
      <p>{t('saveFailed.text')}</p>
    </main>
  );
}

export function ThanksScreen() {
  const { t } = useTranslation();
  return (
    <main className="screen status-screen thanks-screen" data-screen="thanks" role="status">
      <h1>{t('thanks.title')}</h1>
      <p>{t('thanks.text')}</p>
    </main>
  );
}
