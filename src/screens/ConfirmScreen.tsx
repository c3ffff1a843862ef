import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Level } from '../../contract/ratingCodes';
import { Countdown } from '../components/Countdown';
import { Face } from '../components/Face';
import { ScreenHeading } from '../components/ScreenHeading';
import { useSpeak } from '../elderly/useElderly';
import { useFlow } from '../flow/FlowContext';

/** Elderly mode: a 非常不满意 press is confirmed or undone before anything is recorded. */
export function ConfirmScreen({ level, deadlineMs }: { level: Level; deadlineMs: number }) {
  const { t } = useTranslation();
  const send = useFlow((s) => s.send);
  const speak = useSpeak();
  const levelName = t(`level.${level}`);
  const question = t('elderly.confirmText');
  // Said once as the screen appears, and again on 再听一遍: a neutral question, never the level,
  // which the clerk across the counter would hear (the level is on the screen, for the citizen).
  const replay = () => speak('confirm', question);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(replay, []);

  return (
    <main className="screen confirm-screen" data-screen="confirm">
      <div className={`chosen-level level-${level}`}>
        <Face level={level} />
        <ScreenHeading>{t('elderly.confirmTitle', { level: levelName })}</ScreenHeading>
      </div>
      <p className="confirm-text">{t('elderly.confirmText')}</p>
      <div className="confirm-actions">
        <button type="button" className="secondary undo" onClick={() => send({ type: 'UNDO' })}>
          {t('elderly.undo')}
        </button>
        <button type="button" className="primary confirm" onClick={() => send({ type: 'CONFIRM' })}>
          {t('elderly.confirm')}
        </button>
      </div>
      <Countdown deadlineMs={deadlineMs} textKey="countdown.confirm" />
      <button type="button" className="replay" onClick={replay}>
        <span aria-hidden="true">🔊 </span>
        {t('elderly.replay')}
      </button>
    </main>
  );
}
