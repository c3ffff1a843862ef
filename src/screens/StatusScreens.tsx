import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/ScreenHeading';
import { useSpeak } from '../elderly/useElderly';

export function SavingScreen() {
  const { t } = useTranslation();
  return (
    <main className="screen status-screen" data-screen="saving" aria-busy="true">
      <p>{t('saving.text')}</p>
    </main>
  );
}

export function SaveFailedScreen({ error }: { error?: string }) {
  const { t } = useTranslation();
  return (
    <main className="screen status-screen" data-screen="saveFailed">
      <div role="alert">
        <ScreenHeading>{t('saveFailed.title')}</ScreenHeading>
        <p>{t('saveFailed.text')}</p>
        {error !== undefined && /QuotaExceeded/i.test(error) && <p data-fact="storage-full">{t('saveFailed.storage')}</p>}
      </div>
    </main>
  );
}

export function ThanksScreen() {
  const { t } = useTranslation();
  const speak = useSpeak();
  const thanks = t('thanks.title');
  useEffect(() => speak('thanks', thanks), [speak, thanks]);
  return (
    <main className="screen status-screen thanks-screen" data-screen="thanks">
      <div role="status">
        <ScreenHeading>{t('thanks.title')}</ScreenHeading>
        <p>{t('thanks.text')}</p>
      </div>
    </main>
  );
}
