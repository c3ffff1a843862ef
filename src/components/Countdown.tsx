import { useTranslation } from 'react-i18next';
import { useNow } from '../lib/useNow';

/** Seconds before which the countdown warns that the choice will be filed as it is. */
export const COUNTDOWN_WARNING_SEC = 10;

/**
 * The seconds left before a screen ends by itself, and in its last 10 s a warning that the choice
 * will be filed as it is: nothing is filed by timeout without the citizen being told.
 */
export function Countdown({ deadlineMs, textKey }: { deadlineMs: number; textKey: 'countdown.confirm' | 'countdown.details' }) {
  const { t } = useTranslation();
  const now = useNow(1000);
  const secondsLeft = Math.max(0, Math.ceil((deadlineMs - now) / 1000));
  return (
    <p className="countdown screen-countdown" data-seconds-left={secondsLeft}>
      <span aria-live="off">{t(textKey, { count: secondsLeft })}</span>
      {secondsLeft <= COUNTDOWN_WARNING_SEC && (
        <strong className="countdown-warning" role="alert">
          {t('countdown.warning')}
        </strong>
      )}
    </p>
  );
}
