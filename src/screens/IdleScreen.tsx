import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { createTapCounter, useAdminStore } from '../admin/adminStore';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { WindowQrCode } from '../components/WindowQrCode';
import { ElderlyToggle } from '../elderly/ElderlyToggle';
import { useFlow } from '../flow/FlowContext';

export function IdleScreen() {
  const { t } = useTranslation();
  const context = useFlow((s) => s.context);
  const hostConnected = useFlow((s) => s.hostConnected);
  const onHallNameTap = useMemo(() => createTapCounter(() => useAdminStore.setState({ pinPadOpen: true, pinResult: null })), []);
  return (
    <main className="screen idle-screen" data-screen="idle">
      <header className="idle-header">
        {/* Five quick taps on the hall name open the staff PIN pad (hidden from citizens). */}
        <p className="hall-name" onClick={onHallNameTap}>
          {context?.hall.name ?? t('app.title')}
        </p>
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
              <span className="window-no">
                {t('idle.window')} {context.window.no}
              </span>{' '}
              {context.window.name}
            </p>
          )}
          <div className="staff-card" aria-label={t('idle.staffCardTitle')}>
            <div className="staff-photo" aria-hidden="true" />
            <div>
              <p className="staff-card-title">{t('idle.staffCardTitle')}</p>
              <p className="staff-name">{t('idle.staffNotSignedIn')}</p>
            </div>
          </div>
          <p className="idle-waiting">{t('idle.waiting')}</p>
        </div>
        {context && <WindowQrCode url={context.window.ratingUrl} label={t('idle.qrHint')} />}
      </section>
      {!hostConnected && (
        <p className="host-status" role="status">
          {t('idle.hostOffline')}
        </p>
      )}
    </main>
  );
}
