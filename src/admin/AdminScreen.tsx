import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeadLetterRow, EvaluatorDb } from '../data/db';
import { listDeadLetters, requeueDeadLetter } from '../sync/deadLetters';
import { useAdminStore } from './adminStore';

interface Counts {
  unsent: number;
  oldestUnsentAtMs: number | null;
  deadLetters: DeadLetterRow[];
  deadLetterCount: number;
}

async function readCounts(db: EvaluatorDb): Promise<Counts> {
  const [unsent, oldest, deadLetters, deadLetterCount] = await Promise.all([
    db.outbox.count(),
    db.outbox.orderBy('seq').first(),
    listDeadLetters(db, 50),
    db.deadLetters.count(),
  ]);
  return { unsent, oldestUnsentAtMs: oldest?.storedAtMs ?? null, deadLetters, deadLetterCount };
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
  const setOpen = useAdminStore((s) => s.setOpen);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let live = true;
    const refresh = () =>
      void readCounts(db).then((c) => {
        if (!live) return;
        setCounts(c);
        setNow(Date.now());
      });
    refresh();
    const id = setInterval(refresh, 2000);
    return () => {
      live = false;
      clearInterval(id);
    };
  }, [db]);

  return (
    <main className="screen admin-screen" data-screen="admin">
      <header className="admin-header">
        <h1>{t('admin.title')}</h1>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {t('admin.close')}
        </button>
      </header>
      <dl className="admin-facts">
        <dt>{t('admin.syncState')}</dt>
        <dd data-fact="state">{status ? t(`admin.state.${status.state}`) : t('admin.noIntake')}</dd>
        <dt>{t('admin.unsent')}</dt>
        <dd data-fact="unsent">{counts?.unsent ?? '…'}</dd>
        <dt>{t('admin.oldestUnsent')}</dt>
        <dd data-fact="oldest">{counts ? formatAge(counts.oldestUnsentAtMs, now) : '…'}</dd>
        <dt>{t('admin.deadLetters')}</dt>
        <dd data-fact="deadLetters">{counts?.deadLetterCount ?? '…'}</dd>
        <dt>{t('admin.lastSync')}</dt>
        <dd data-fact="lastSync">{formatTime(status?.lastSuccessAtMs ?? null)}</dd>
        <dt>{t('admin.nextAttempt')}</dt>
        <dd>{formatTime(status?.nextAttemptAtMs ?? null)}</dd>
        <dt>{t('admin.lastError')}</dt>
        <dd data-fact="lastError">{status?.lastError ?? '—'}</dd>
        <dt>{t('admin.clockOffset')}</dt>
        <dd>{status?.clockOffsetMs == null ? '—' : `${status.clockOffsetMs} ms`}</dd>
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
                .map(([name, value]) => `${name} ${value}`)
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
      <div className="admin-actions">
        <button type="button" className="primary" disabled={!engine} onClick={() => void engine?.retryNow()}>
          {t('admin.retryNow')}
        </button>
        {device && (
          <button type="button" className="secondary" onClick={() => send?.({ type: 'adminAction', action: 'deviceSelfTest' })}>
            {t('admin.selfTest')}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => send?.({ type: 'adminAction', action: 'exitKiosk' })}>
          {t('admin.exitKiosk')}
        </button>
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
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
