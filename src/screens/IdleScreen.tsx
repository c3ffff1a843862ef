import { useTranslation } from 'react-i18next';
import { ChineseData } from '../components/ChineseData';
import { HallName } from '../components/HallName';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { StaffCard } from '../components/StaffCard';
import { WindowQrCode } from '../components/WindowQrCode';
import { ElderlyToggle } from '../elderly/ElderlyToggle';
import { useFlow } from '../flow/FlowContext';
import { useStaffStore } from '../pairing/staffSessions';

export function IdleScreen() {
  const { t } = useTranslation();
  const context = useFlow((s) => s.context);
  const hostConnected = useFlow((s) => s.hostConnected);
  const startFreeRating = useFlow((s) => s.startFreeRating);
  const staffSignedIn = useStaffStore((s) => s.session !== null);
  return (
    <main className="screen idle-screen" data-screen="idle">
      <header className="idle-header">
        <HallName />
        <div className="header-tools">
          <ElderlyToggle />
          <LanguageSwitch />
        </div>
      </header>
      <section className="idle-body">
        <div className="idle-left">
          <h1>{t('idle.welcome')}</h1>
          {context && (
            <p className="window-name">
              {/* One piece in any direction: "窗口 A01" stays together, the Chinese name beside it. */}
              <bdi className="window-no">
                {t('idle.window')} <bdi dir="ltr">{context.window.no}</bdi>
              </bdi>{' '}
              <ChineseData>{context.window.name}</ChineseData>
            </p>
          )}
          <StaffCard />
          <p className="idle-waiting">{t('idle.waiting')}</p>
          {context?.policies.allowFreeRating && staffSignedIn && (
            <button type="button" className="free-rating" onClick={() => void startFreeRating()}>
              {t('idle.freeRating')}
            </button>
          )}
        </div>
        {context?.window.ratingUrl && <WindowQrCode url={context.window.ratingUrl} label={t('idle.qrHint')} />}
      </section>
      {/* The host bridge on a kiosk, the intake's invitation feed on a tablet. */}
      {!hostConnected && (
        <p className="host-status" role="status">
          {t('idle.connecting')}
        </p>
      )}
    </main>
  );
}
