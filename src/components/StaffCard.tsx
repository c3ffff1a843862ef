import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStaffStore } from '../pairing/staffSessions';
import { WindowQrCode } from './WindowQrCode';

/**
 * The idle screen's staff card: the signed-in staff member (photo, name, 工号) with a sign-out
 * button behind a confirmation, or, while nobody is signed in, the pairing code and its QR.
 */
export function StaffCard() {
  const { t } = useTranslation();
  const session = useStaffStore((s) => s.session);
  const pairing = useStaffStore((s) => s.pairing);
  const requestLogout = useStaffStore((s) => s.requestLogout);
  const [confirming, setConfirming] = useState(false);

  if (session) {
    const { staff } = session;
    return (
      <div className="staff-card" aria-label={t('idle.staffCardTitle')} data-staff={staff.loginName}>
        {staff.photo ? (
          <img className="staff-photo" src={staff.photo} alt="" />
        ) : (
          <div className="staff-photo staff-photo-placeholder" aria-hidden="true">
            {Array.from(staff.name)[0]}
          </div>
        )}
        <div>
          <p className="staff-card-title">{t('idle.staffCardTitle')}</p>
          <p className="staff-name">{staff.name}</p>
          {staff.staffNo && <p className="staff-no">{t('idle.staffNo', { staffNo: staff.staffNo })}</p>}
          {confirming ? (
            <p className="staff-logout-confirm">
              {t('idle.logoutConfirm')}{' '}
              <button
                type="button"
                onClick={() => {
                  setConfirming(false);
                  requestLogout?.();
                }}
              >
                {t('idle.logoutYes')}
              </button>{' '}
              <button type="button" onClick={() => setConfirming(false)}>
                {t('idle.logoutNo')}
              </button>
            </p>
          ) : (
            <button type="button" className="staff-logout" onClick={() => setConfirming(true)}>
              {t('idle.logout')}
            </button>
          )}
        </div>
      </div>
    );
  }

  return (
    <div className="staff-card" aria-label={t('idle.staffCardTitle')}>
      <div className="staff-photo" aria-hidden="true" />
      <div>
        <p className="staff-card-title">{t('idle.staffCardTitle')}</p>
        <p className="staff-name">{t('idle.staffNotSignedIn')}</p>
        {pairing ? (
          <>
            <p className="pairing-code">
              {t('idle.pairingCode')}{' '}
              <strong data-pairing-code={pairing.code}>
                {pairing.code.slice(0, 3)} {pairing.code.slice(3)}
              </strong>
            </p>
            <p className="pairing-hint">{t('idle.pairingHint')}</p>
          </>
        ) : (
          <p className="pairing-hint">{t('idle.waitingForLogin')}</p>
        )}
      </div>
      {pairing && <WindowQrCode url={pairing.confirmUrl} label={t('idle.pairingCode')} size={120} className="pairing-qr" />}
    </div>
  );
}
