import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePolled } from '../lib/usePolled';
import { appendAudit, listAudit, verifyAuditLog, type AuditAction } from '../data/auditLog';
import type { AuditRow, DeadLetterRow, EvaluatorDb } from '../data/db';
import { discardDeadLetter, DISCARD_REASON_MIN_CHARS, listDeadLetters, requeueDeadLetter } from '../sync/deadLetters';
import { StorageStatus } from '../pwa/StorageStatus';
import { useStaffStore } from '../pairing/staffSessions';
import { useAdminStore } from './adminStore';
import { auditReason } from './auditReasons';
import { VoiceClipsNote } from './VoiceClipsNote';
import { ReprovisionSection } from '../setup/ReprovisionSection';
import { ResetSection } from '../setup/ResetSection';

interface Counts {
  unsent: number;
  oldestUnsentAtMs: number | null;
  deadLetters: DeadLetterRow[];
  deadLetterCount: number;
  audit: AuditRow[];
  auditBrokenAt: number | null;
}

/**
 * Unsent ratings are counted up to this many: a device offline for weeks may hold far more, and
 * counting them all every 2 s would compete with the rating screen. Beyond it the panel says "1000+".
 */
const UNSENT_COUNT_CAP = 1000;

async function readCounts(db: EvaluatorDb): Promise<Counts> {
  const [unsent, oldest, deadLetters, deadLetterCount, audit, auditBrokenAt] = await Promise.all([
    db.outbox
      .limit(UNSENT_COUNT_CAP + 1)
      .primaryKeys()
      .then((keys) => keys.length),
    db.outbox.orderBy('seq').first(),
    listDeadLetters(db, 50),
    db.deadLetters.count(),
    listAudit(db, 20),
    verifyAuditLog(db),
  ]);
  return { unsent, oldestUnsentAtMs: oldest?.storedAtMs ?? null, deadLetters, deadLetterCount, audit, auditBrokenAt };
}

function formatTime(ms: number | null): string {
  return ms === null ? '—' : new Date(ms).toLocaleString();
}

function formatAge(fromMs: number | null, nowMs: number): string {
  if (fromMs === null) return '—';
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** Staff view of the device's sync health: counts, ages, errors, dead letters, manual retry. */
export function AdminScreen({ db }: { db: EvaluatorDb }) {
  const { t } = useTranslation();
  const status = useAdminStore((s) => s.syncStatus);
  const engine = useAdminStore((s) => s.engine);
  const device = useAdminStore((s) => s.deviceStatus);
  const send = useAdminStore((s) => s.sendToHost);
  const canExitKiosk = useAdminStore((s) => s.canExitKiosk);
  const setOpen = useAdminStore((s) => s.setOpen);
  const session = useStaffStore((s) => s.session);
  const requestLogout = useStaffStore((s) => s.requestLogout);
  const [confirmingLogout, setConfirmingLogout] = useState(false);
  const auditReasonCodes = Object.keys(t('admin.auditReasons', { returnObjects: true }));
  const polled = usePolled(async () => ({ counts: await readCounts(db), at: Date.now() }), 2000, db);
  const counts: Counts | null = polled?.counts ?? null;
  const [discarding, setDiscarding] = useState<{ id: string; reason: string } | null>(null);
  /** Records the action first: an action that is not in the log did not happen. */
  const audited = (action: AuditAction, run: () => void) => () => void appendAudit(db, action, {}).then(run);

  const auditReasonText = (reason: ReturnType<typeof auditReason>) =>
    reason === null ? '' : ` · ${'code' in reason ? t(`admin.auditReasons.${reason.code}`) : reason.text}`;

  return (
    <main className="screen admin-screen" data-screen="admin">
      <header className="admin-header">
        <h1>{t('admin.title')}</h1>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {t('admin.close')}
        </button>
      </header>
      <dl className="admin-facts">
        <dt>{t('admin.staff')}</dt>
        <dd data-fact="staff">
          {session ? (
            <>
              <bdi>{session.staff.name}</bdi>
              {session.staff.staffNo ? ` · ${t('idle.staffNo', { staffNo: session.staff.staffNo })}` : ''}{' '}
              {confirmingLogout ? (
                <>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      setConfirmingLogout(false);
                      requestLogout?.();
                    }}
                  >
                    {t('admin.logoutConfirm')}
                  </button>{' '}
                  <button type="button" className="secondary" onClick={() => setConfirmingLogout(false)}>
                    {t('admin.cancel')}
                  </button>
                </>
              ) : (
                <button type="button" className="secondary" onClick={() => setConfirmingLogout(true)}>
                  {t('admin.logout')}
                </button>
              )}
            </>
          ) : (
            <>
              {t('admin.staffNone')}
              <span className="admin-hint">{t('admin.staffLoginHint')}</span>
            </>
          )}
        </dd>
        <dt>{t('admin.syncState')}</dt>
        <dd data-fact="state">{status ? t(`admin.state.${status.state}`) : t('admin.noIntake')}</dd>
        <dt>{t('admin.unsent')}</dt>
        <dd data-fact="unsent">{counts ? (counts.unsent > UNSENT_COUNT_CAP ? `${UNSENT_COUNT_CAP}+` : counts.unsent) : '…'}</dd>
        <dt>{t('admin.oldestUnsent')}</dt>
        <dd data-fact="oldest">
          <bdi dir="ltr">{polled ? formatAge(polled.counts.oldestUnsentAtMs, polled.at) : '…'}</bdi>
        </dd>
        <dt>{t('admin.deadLetters')}</dt>
        <dd data-fact="deadLetters">{counts?.deadLetterCount ?? '…'}</dd>
        <dt>{t('admin.lastSync')}</dt>
        <dd data-fact="lastSync">
          <bdi dir="ltr">{formatTime(status?.lastSuccessAtMs ?? null)}</bdi>
        </dd>
        <dt>{t('admin.nextAttempt')}</dt>
        <dd>
          <bdi dir="ltr">{formatTime(status?.nextAttemptAtMs ?? null)}</bdi>
        </dd>
        <dt>{t('admin.lastError')}</dt>
        <dd data-fact="lastError">
          <bdi>{status?.lastError ?? '—'}</bdi>
        </dd>
        <dt>{t('admin.clockOffset')}</dt>
        <dd>
          <bdi dir="ltr">{status?.clockOffsetMs == null ? '—' : `${status.clockOffsetMs} ms`}</bdi>
        </dd>
        {device && (
          <>
            <dt>{t('admin.device')}</dt>
            <dd data-fact="device">
              {t(device.online ? 'admin.deviceOnline' : device.connected ? 'admin.deviceSilent' : 'admin.deviceOffline')}
              {device.info ? ` · ${device.info.model} ${device.info.firmware} (${device.info.serial})` : ''}
              {device.path ? ` · ${device.path}` : ''}
            </dd>
            <dt>{t('admin.deviceCounters')}</dt>
            <dd data-fact="deviceCounters">
              {Object.entries(device.counters)
                // A time (lastPressAtMs) reads as a clock time, not as a count.
                .map(([name, value]) => `${name} ${name.endsWith('AtMs') ? new Date(value).toLocaleTimeString() : value}`)
                .join(' · ')}
            </dd>
            {device.lastError && (
              <>
                <dt>{t('admin.deviceError')}</dt>
                <dd>{device.lastError}</dd>
              </>
            )}
          </>
        )}
      </dl>
      <StorageStatus />
      <VoiceClipsNote />
      <div className="admin-actions">
        <button type="button" className="primary" disabled={!engine} onClick={audited('manual-retry', () => void engine?.retryNow())}>
          {t('admin.retryNow')}
        </button>
        {device && (
          <button type="button" className="secondary" onClick={audited('device-self-test', () => send?.({ type: 'adminAction', action: 'deviceSelfTest' }))}>
            {t('admin.selfTest')}
          </button>
        )}
        {canExitKiosk && (
          <button type="button" className="secondary" onClick={audited('kiosk-exit-requested', () => send?.({ type: 'adminAction', action: 'exitKiosk' }))}>
            {t('admin.exitKiosk')}
          </button>
        )}
      </div>
      {counts && counts.deadLetters.length > 0 && (
        <table className="dead-letters">
          <caption>{t('admin.deadLetterList')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.seq')}</th>
              <th scope="col">{t('admin.case')}</th>
              <th scope="col">{t('admin.reason')}</th>
              <th scope="col">{t('admin.action')}</th>
            </tr>
          </thead>
          <tbody>
            {counts.deadLetters.map((letter) => (
              <tr key={letter.id} data-dead-letter={letter.id}>
                <td>{letter.seq}</td>
                <td>{letter.case.projectNo}</td>
                <td>
                  {letter.code}: {letter.reason}
                </td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => void requeueDeadLetter(db, letter.id).then(() => engine?.retryNow())}
                  >
                    {t('admin.requeue')}
                  </button>
                  {discarding?.id === letter.id ? (
                    <form
                      className="discard-form"
                      onSubmit={(event) => {
                        event.preventDefault();
                        void discardDeadLetter(db, letter.id, discarding.reason).then(() => setDiscarding(null));
                      }}
                    >
                      <label>
                        {t('admin.discardReason')}
                        <input value={discarding.reason} onChange={(e) => setDiscarding({ id: letter.id, reason: e.target.value })} autoFocus />
                      </label>
                      <button type="submit" className="secondary" disabled={Array.from(discarding.reason.trim()).length < DISCARD_REASON_MIN_CHARS}>
                        {t('admin.confirmDiscard')}
                      </button>
                      <button type="button" className="secondary" onClick={() => setDiscarding(null)}>
                        {t('admin.cancel')}
                      </button>
                    </form>
                  ) : (
                    <button type="button" className="secondary" onClick={() => setDiscarding({ id: letter.id, reason: '' })}>
                      {t('admin.discard')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {counts && (
        <section className="audit-log" aria-labelledby="audit-log-title">
          <h2 id="audit-log-title">{t('admin.auditLog')}</h2>
          <p data-fact="auditChain">{counts.auditBrokenAt === null ? t('admin.auditIntact') : t('admin.auditBroken', { id: counts.auditBrokenAt })}</p>
          <ol>
            {counts.audit.map((entry) => (
              <li key={entry.id} data-audit={entry.action}>
                <bdi dir="ltr">{new Date(entry.atMs).toLocaleString()}</bdi> · {t(`admin.auditActions.${entry.action as AuditAction}`)}
                {auditReasonText(auditReason(entry.detail, auditReasonCodes))}
              </li>
            ))}
          </ol>
        </section>
      )}
      <ReprovisionSection />
      <ResetSection db={db} />
    </main>
  );
}
