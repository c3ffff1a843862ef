import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { HallName } from '../components/HallName';
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
      {/* Staff open the admin panel here too (five taps), to read the storage line and the dead letters. */}
      <header className="status-header">
        <HallName />
      </header>
      <div role="alert">
        <ScreenHeading>{t('saveFailed.title')}</ScreenHeading>
        <p>{t('saveFailed.text')}</p>
        {error !== undefined && /QuotaExceeded/i.test(error) && <p data-fact="storage-full">{t('saveFailed.storage')}</p>}
      </div>
    </main>
  );
}

/** "感谢您的评价" only after a rating; a decline or a timeout is thanked without saying one was given. */
export function ThanksScreen({ rated }: { rated: boolean }) {
  const { t } = useTranslation();
  const speak = useSpeak();
  const thanks = rated ? t('thanks.title') : t('thanks.unrated');
  useEffect(() => speak(rated ? 'thanks' : 'thanksUnrated', thanks), [speak, rated, thanks]);
  return (
    <main className="screen status-screen thanks-screen" data-screen="thanks" data-rated={rated}>
      <div role="status">
        <ScreenHeading>{thanks}</ScreenHeading>
        <p>{t('thanks.text')}</p>
      </div>
    </main>
  );
}
