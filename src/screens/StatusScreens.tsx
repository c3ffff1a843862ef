import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { HallName } from '../components/HallName';
import { ScreenHeading } from '../components/ScreenHeading';
import { WindowQrCode } from '../components/WindowQrCode';
import { useSpeak } from '../elderly/useElderly';
import { useFlow } from '../flow/FlowContext';
import { useCaseLinkStore } from '../phone/caseLink';

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

/**
 * "感谢您的评价" only after a rating; a decline or a timeout is thanked without saying one was
 * given, and shows the case's QR to rate it on the citizen's phone when the intake issues one.
 * With the QR the screen stays the hall's caseQrSec (the flow machine keeps the time), and 完成
 * ends it at once.
 */
export function ThanksScreen({ rated, invitationId }: { rated: boolean; invitationId: string }) {
  const { t } = useTranslation();
  const speak = useSpeak();
  const thanks = rated ? t('thanks.title') : t('thanks.unrated');
  useEffect(() => speak(rated ? 'thanks' : 'thanksUnrated', thanks), [speak, rated, thanks]);
  const requestLink = useCaseLinkStore((s) => s.requestLink);
  const send = useFlow((s) => s.send);
  const [caseUrl, setCaseUrl] = useState<string | null>(null);
  useEffect(() => {
    if (rated || !requestLink) return;
    let live = true;
    // Offline or refused: no QR, and nothing for the citizen to worry about.
    requestLink(invitationId).then(
      (url) => {
        if (!live || url === null) return;
        setCaseUrl(url);
        send({ type: 'CASE_QR_SHOWN', invitationId });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [rated, requestLink, invitationId, send]);
  return (
    <main className="screen status-screen thanks-screen" data-screen="thanks" data-rated={rated}>
      <div role="status">
        <ScreenHeading>{thanks}</ScreenHeading>
        <p>{t('thanks.text')}</p>
      </div>
      {caseUrl && (
        <>
          <WindowQrCode url={caseUrl} label={t('thanks.caseQr')} className="window-qr case-qr" />
          <button type="button" className="primary thanks-done" onClick={() => send({ type: 'DONE' })}>
            {t('thanks.done')}
          </button>
        </>
      )}
    </main>
  );
}
