import { useEffect, useLayoutEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/ScreenHeading';
import type { Invitation } from '../../contract/invitation';
import { LEVELS } from '../../contract/ratingCodes';
import { useAdminStore } from '../admin/adminStore';
import { isolate } from '../components/ChineseData';
import { keyHintFor, staffShownFor } from '../components/citizenWording';
import { Face } from '../components/Face';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ElderlyToggle } from '../elderly/ElderlyToggle';
import { useSpeak } from '../elderly/useElderly';
import { useFlow } from '../flow/FlowContext';
import { markPerformance } from '../flow/flowStore';
import { useNow } from '../lib/useNow';
import { useStaffStore } from '../pairing/staffSessions';

const TOUCH_ONLY = { kind: 'pad' } as const;

export function RatingScreen({ invitation, deadlineMs }: { invitation: Invitation; deadlineMs: number }) {
  const { t } = useTranslation();
  const send = useFlow((s) => s.send);
  const now = useNow(1000);
  const totalSec = useFlow((s) => s.context?.policies.inviteTimeoutSec ?? Infinity);
  const device = useFlow((s) => s.context?.device ?? TOUCH_ONLY);
  // The host reports a rating device's status only when a button box is attached to it.
  const buttonBox = useAdminStore((s) => s.deviceStatus !== null);
  // The same person the idle card showed: the one signed in at the window, else the case event's.
  const staff = staffShownFor(invitation, useStaffStore((s) => s.session));
  // The clock ticks once a second, so clamp: a fresh deadline must not read one second too long.
  const speak = useSpeak();
  const prompt = t('rating.prompt');
  // Spoken as the screen appears, again if the citizen switches language or turns elderly mode on.
  useEffect(() => speak('prompt', prompt), [speak, prompt]);
  const secondsLeft = Math.max(0, Math.min(totalSec, Math.ceil((deadlineMs - now) / 1000)));

  useLayoutEffect(() => {
    // Marks the first frame on which this invitation's rating screen is painted.
    const frame = requestAnimationFrame(() => {
      setTimeout(() => markPerformance('rating-painted', { invitationId: invitation.id }), 0);
    });
    return () => cancelAnimationFrame(frame);
  }, [invitation.id]);

  return (
    <main className="screen rating-screen" data-screen="rating" data-invitation={invitation.id}>
      <header className="rating-header">
        <ScreenHeading>{t('rating.prompt')}</ScreenHeading>
        <div className="header-tools">
          <ElderlyToggle />
          <LanguageSwitch />
        </div>
      </header>
      <p className="case-line">
        <bdi>{t('rating.caseLine', { taskName: isolate(invitation.case.taskName) })}</bdi> · <bdi>{t('rating.staffLine', { name: isolate(staff.name) })}</bdi>
      </p>
      <div className="levels" role="group" aria-label={t('rating.prompt')}>
        {LEVELS.map((level) => {
          const key = keyHintFor(level, device, buttonBox);
          return (
            <button
              key={level}
              type="button"
              className={`level level-${level}`}
              data-level={level}
              onClick={() => send({ type: 'PRESS', level, method: 'touch' })}
            >
              <Face level={level} />
              <span className="level-name">{t(`level.${level}`)}</span>
              {key !== null && <span className="level-key">{t('rating.keyHint', { key })}</span>}
            </button>
          );
        })}
      </div>
      <footer className="rating-footer">
        <span className="countdown" aria-live="off">
          {t('rating.secondsLeft', { count: secondsLeft })}
        </span>
        <button type="button" className="decline" onClick={() => send({ type: 'DECLINE' })}>
          {t('rating.decline')}
        </button>
      </footer>
    </main>
  );
}
