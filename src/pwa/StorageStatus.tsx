import { useTranslation } from 'react-i18next';
import { formatBytes, useStorageStore } from './storageGuard';

/** Admin panel: how full the device's storage is, and a warning before it fills up. */
export function StorageStatus() {
  const { t } = useTranslation();
  const report = useStorageStore((s) => s.report);
  const writeFailure = useStorageStore((s) => s.writeFailure);
  if (!report && !writeFailure) return null;
  return (
    <section className="storage-status" aria-labelledby="storage-title" data-fact="storage">
      <h2 id="storage-title">{t('storage.title')}</h2>
      {report && (
        <p>
          {t('storage.usage', { percent: Math.round(report.ratio * 100), used: formatBytes(report.usageBytes), quota: formatBytes(report.quotaBytes) })}
          {' · '}
          {t(report.persisted ? 'storage.persisted' : 'storage.notPersisted')}
        </p>
      )}
      {writeFailure && (
        <p className="storage-warning" role="alert" data-fact="write-failure">
          {t(writeFailure.what === 'invitation' ? 'writeFailure.invitation' : 'writeFailure.outcome', {
            time: new Date(writeFailure.atMs).toLocaleTimeString(),
            error: writeFailure.error,
          })}
        </p>
      )}
      {report?.nearlyFull && (
        <p className="storage-warning" role="alert">
          {t('storage.nearlyFull')}
        </p>
      )}
    </section>
  );
}
