import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { createTapCounter, useAdminStore } from '../admin/adminStore';
import { useFlow } from '../flow/FlowContext';
import { ChineseData } from './ChineseData';

/**
 * The hall's name, labelled in the reader's language. Five quick taps on it open the staff PIN pad
 * (hidden from citizens): on the idle screen, and on the save-failed screen where staff need the
 * admin panel's storage line and dead letters.
 */
export function HallName() {
  const { t } = useTranslation();
  const hallName = useFlow((s) => s.context?.hall.name);
  const onTap = useMemo(() => createTapCounter(() => useAdminStore.getState().openPinPad()), []);
  return (
    <p className="hall-name" onClick={onTap}>
      {hallName ? <ChineseData label={t('idle.hallLabel')}>{hallName}</ChineseData> : t('app.title')}
    </p>
  );
}
