import { useEffect, useLayoutEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/ScreenHeading';
import type { Invitation } from '../../contract/invitation';
import { LEVELS } from '../../contract/ratingCodes';
import { useAdminStore } from '../admin/adminStore';
import { isolate } from '../components/ChineseData';
import { keyHintFor, staffShownFor } from '../components/citizenWording';
import { Face } from '../components/Face';
import { WindowQrCode } from '../components/WindowQrCode';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ElderlyToggle } from '../elderly/ElderlyToggle';
import { useSpeak } from '../elderly/useElderly';
import { useFlow } from '../flow/FlowContext';
import { markPerformance } from '../flow/flowStore';
import { offersCaseQr } from '../flow/machine';
import { useNow } from '../lib/useNow';
import { useCaseLinkStore, type CaseLink } from '../phone/caseLink';
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
  const caseLink = useRatingCaseQr(invitation);

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
      <RatingBody caseLink={caseLink}>
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
      </RatingBody>
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

/**
 * 一事一评 on every 办结 (hall policy caseQrOnEveryClose, issue 24): while the flow machine offers
 * it, the screen asks the intake for the case's link once; the machine shows it (CASE_QR_SHOWN)
 * until a press or decline ends the screen. Offline or with no intake: nothing, and nothing else changes.
 */
function useRatingCaseQr(invitation: Invitation): CaseLink | null {
  const send = useFlow((s) => s.send);
  const shown = useFlow((s) => s.flow.screen.name === 'rating' && s.flow.screen.caseQrAtMs !== undefined);
  // Asked again after a reload of a screen that showed it: the intake answers with the same link.
  const offered = useFlow((s) => (s.context ? offersCaseQr(s.flow.screen, s.context.policies) : false)) || shown;
  const linkForInvitation = useCaseLinkStore((s) => s.linkForInvitation);
  const [link, setLink] = useState<{ invitationId: string; link: CaseLink } | null>(null);
  useEffect(() => {
    if (!offered || !linkForInvitation) return;
    let live = true;
    linkForInvitation(invitation).then(
      (answer) => {
        if (!live || answer === null) return;
        setLink({ invitationId: invitation.id, link: answer });
        send({ type: 'CASE_QR_SHOWN', invitationId: invitation.id });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [offered, linkForInvitation, invitation, send]);
  return shown && link?.invitationId === invitation.id ? link.link : null;
}

/** The levels, with the case QR beside them (below them on a portrait screen) when it shows; its last day never broken at a hyphen. */
function RatingBody({ caseLink, children }: { caseLink: CaseLink | null; children: ReactNode }) {
  const { t } = useTranslation();
  if (!caseLink) return <>{children}</>;
  return (
    <div className="rating-body">
      {children}
      <WindowQrCode url={caseLink.url} label={t('rating.caseQr', { date: isolate(caseLink.expiresAt.slice(0, 10).replace(/-/g, '\u2011')) })} className="window-qr case-qr rating-case-qr" />
    </div>
  );
}
