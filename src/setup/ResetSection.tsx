import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePolled } from '../lib/usePolled';
import type { EvaluatorDb } from '../data/db';
import { useAdminStore } from '../admin/adminStore';
import { useFlow } from '../flow/FlowContext';
import { exportUnsent, forgetDevice, nothingUnsent, readUnsent, sameCounts, UnsentNotSaved, type Unsent } from './deviceReset';
import { useSetupStore } from './setupStore';

/** Offers the export as a file download (the tablet's own browser saves it). */
function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The admin panel's reset on a host-less tablet (behind the PIN): every unsent rating goes to the
 * intake first, or into an exported file when the intake cannot be reached; then the tablet
 * forgets the device and shows the setup screen. Set it up again with a bundle made by
 * `npm run provision -- … --rotate` to go on as the same device (docs/hall-setup.md).
 */
export function ResetSection({ db, onReset = () => location.reload() }: { db: EvaluatorDb; onReset?: () => void }) {
  const { t } = useTranslation();
  const hostless = useSetupStore((s) => s.reprovision) !== null;
  const context = useFlow((s) => s.context);
  const engine = useAdminStore((s) => s.engine);
  const unsent = usePolled(() => readUnsent(db), 2000, db);
  const [exported, setExported] = useState<Unsent | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!hostless || !context) return null;
  const deviceId = context.device.id;
  const clear = unsent !== null && nothingUnsent(unsent);
  const canReset = clear || (exported !== null && unsent !== null && sameCounts(exported, unsent));

  return (
    <section className="setup-reset" aria-labelledby="reset-title">
      <h2 id="reset-title">{t('setup.resetTitle')}</h2>
      <p>{t('setup.resetIntro', { device: deviceId })}</p>
      <p data-fact="resetUnsent" role="status">
        {unsent === null ? '…' : clear ? t('setup.resetNothingUnsent') : t('setup.resetUnsent', { outcomes: unsent.outcomes, refused: unsent.deadLetters, flags: unsent.lateFlags })}
      </p>
      <div className="admin-actions">
        {!clear && (
          <>
            <button type="button" className="secondary" disabled={!engine} onClick={() => void engine?.retryNow()}>
              {t('setup.resetSendFirst')}
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() =>
                void exportUnsent(db, deviceId, Date.now()).then(({ text, unsent: counted }) => {
                  download(`${deviceId}-unsent-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, text);
                  setExported(counted);
                })
              }
            >
              {t('setup.resetExport')}
            </button>
          </>
        )}
        {!confirming ? (
          <button type="button" className="secondary" disabled={!canReset} onClick={() => setConfirming(true)}>
            {t('setup.resetStart')}
          </button>
        ) : (
          <>
            <button
              type="button"
              className="primary"
              onClick={() =>
                void forgetDevice(db, deviceId, clear ? null : exported, Date.now()).then(onReset, (e: unknown) => {
                  setConfirming(false);
                  setExported(null);
                  setError(e instanceof UnsentNotSaved && exported ? t('setup.resetExportStale') : e instanceof UnsentNotSaved ? t('setup.resetBlocked') : String(e));
                })
              }
            >
              {t('setup.resetConfirm', { device: deviceId })}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t('admin.cancel')}
            </button>
          </>
        )}
      </div>
      {exported && !clear && <p>{t('setup.resetExported', { outcomes: exported.outcomes })}</p>}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
