import { useTranslation } from 'react-i18next';

/** What a page shows while another page of this device runs the rating screen (screenOwnership.ts). */
export function InUseElsewhere() {
  const { t } = useTranslation();
  return (
    <main className="screen status-screen" data-screen="inUseElsewhere">
      <div role="status">
        <h1>{t('tabs.inUseTitle')}</h1>
        <p>{t('tabs.inUseText')}</p>
      </div>
    </main>
  );
}
