import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFlow } from '../flow/FlowContext';
import { BundleLoader } from './BundleLoader';
import { useSetupStore } from './setupStore';
import { readReprovisionBundle } from './tabletBundle';

/**
 * The admin panel's part on a host-less tablet that is set up: a new bundle for this same device
 * (a renamed window, a new PIN, a rotated token). Nothing changes until it is read and confirmed.
 */
export function ReprovisionSection() {
  const { t } = useTranslation();
  const reprovision = useSetupStore((s) => s.reprovision);
  const current = useFlow((s) => s.context);
  const [done, setDone] = useState(false);
  if (!reprovision || !current) return null;
  return (
    <section className="setup-reprovision" aria-labelledby="reprovision-title">
      <h2 id="reprovision-title">{t('setup.reprovisionTitle')}</h2>
      <p>{t('setup.reprovisionIntro', { device: current.device.id })}</p>
      <BundleLoader
        read={(text) => {
          setDone(false);
          const read = readReprovisionBundle(text, current);
          return read.ok ? { ok: true, contexts: [read.context], rotatesKey: read.rotatesKey, ...(read.adminPinHash ? { adminPinHash: read.adminPinHash } : {}) } : read;
        }}
        apply={async (context, adminPinHash) => {
          await reprovision(context, adminPinHash);
          setDone(true);
        }}
        applyLabel={t('setup.reprovisionApply')}
      />
      {done && <p role="status">{t('setup.reprovisioned')}</p>}
    </section>
  );
}
