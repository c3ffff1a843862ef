import { useTranslation } from 'react-i18next';
import { ScreenHeading } from '../components/ScreenHeading';
import { BundleLoader } from './BundleLoader';
import { useSetupStore } from './setupStore';
import { readTabletBundle } from './tabletBundle';

/**
 * First start of a host-less tablet: IT staff load the device bundle `npm run provision` wrote
 * for it. A bad bundle changes nothing and every problem is listed; a good one shows what the
 * tablet will be before it is applied.
 */
export function TabletSetupScreen() {
  const { t } = useTranslation();
  const apply = useSetupStore((s) => s.apply);
  return (
    <main className="screen setup-screen" data-screen="setup">
      <ScreenHeading>{t('setup.title')}</ScreenHeading>
      <p>{t('setup.intro')}</p>
      <BundleLoader read={readTabletBundle} apply={apply} applyLabel={t('setup.apply')} />
    </main>
  );
}
