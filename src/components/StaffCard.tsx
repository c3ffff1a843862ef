import { useTranslation } from 'react-i18next';
import { useStaffStore } from '../pairing/staffSessions';
import { WindowQrCode } from './WindowQrCode';

/**
 * The idle screen's staff card: the signed-in staff member (photo, name, 工号); while nobody is
 * signed in, a neutral line for the citizen and, on a tablet that pairs, the pairing code and its
 * QR for staff. Nothing here signs anyone out: 签退 is in the admin panel, behind the PIN.
 */
export function StaffCard() {
  const { t } = useTranslation();
  const session = useStaffStore((s) => s.session);
  const pairing = useStaffStore((s) => s.pairing);

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
          <p className="staff-name">
            <bdi>{staff.name}</bdi>
          </p>
          {staff.staffNo && <p className="staff-no">{t('idle.staffNo', { staffNo: staff.staffNo })}</p>}
        </div>
      </div>
    );
  }

  return (
    <div className="staff-card staff-card-neutral" aria-label={t('idle.staffCardTitle')}>
      <div>
        <p className="staff-neutral">{t('idle.staffNeutral')}</p>
        {pairing && (
          <>
            <p className="pairing-code">
              {t('idle.pairingCode')}{' '}
              <strong data-pairing-code={pairing.code} dir="ltr">
                {pairing.code.slice(0, 3)} {pairing.code.slice(3)}
              </strong>
            </p>
            <p className="pairing-hint">{t('idle.pairingHint')}</p>
          </>
        )}
      </div>
      {pairing && <WindowQrCode url={pairing.confirmUrl} label={t('idle.pairingCode')} size={120} className="pairing-qr" />}
    </div>
  );
}
