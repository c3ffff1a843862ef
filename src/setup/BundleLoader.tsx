import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceContext } from '../../contract/hallConfig';
import type { BundleProblem } from './tabletBundle';

/** What a loader makes of a bundle's text: the devices it offers (and whether the key changes), or its problems. */
export type BundleReading = { ok: true; contexts: DeviceContext[]; adminPinHash?: string; rotatesKey?: boolean } | { ok: false; problems: BundleProblem[] };

/**
 * Picks a device bundle (file or pasted text), lists every problem of a bad one (nothing is
 * changed), and shows what the tablet will be before `apply` runs. Used on a tablet's first start
 * and, behind the admin PIN, to load a new bundle for the same device.
 */
export function BundleLoader({ read, apply, applyLabel }: { read: (text: string) => BundleReading; apply: ((context: DeviceContext, adminPinHash: string | undefined) => Promise<void>) | null; applyLabel: string }) {
  const { t } = useTranslation();
  const [pasted, setPasted] = useState('');
  const [reading, setReading] = useState<BundleReading | null>(null);
  const [chosen, setChosen] = useState(0);
  const [applying, setApplying] = useState(false);

  const take = (text: string) => {
    setReading(read(text));
    setChosen(0);
  };
  const problems = reading && !reading.ok ? reading.problems : [];
  const contexts = reading?.ok ? reading.contexts : [];
  const context = contexts[chosen];

  return (
    <>
      <label className="setup-field">
        <span>{t('setup.file')}</span>
        <input
          type="file"
          accept="application/json,.json"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void file.text().then(take);
          }}
        />
      </label>
      <form
        className="setup-field"
        onSubmit={(event) => {
          event.preventDefault();
          take(pasted);
        }}
      >
        <label>
          <span>{t('setup.paste')}</span>
          <textarea rows={4} value={pasted} onChange={(event) => setPasted(event.target.value)} spellCheck={false} />
        </label>
        <button type="submit" disabled={pasted.trim() === ''}>
          {t('setup.read')}
        </button>
      </form>
      {problems.length > 0 && (
        <div role="alert" className="setup-problems">
          <p>{t('setup.problems', { count: problems.length })}</p>
          <ul>
            {problems.map((problem, i) => (
              <li key={i}>{problem.key === 'schema' ? <bdi>{problem.text}</bdi> : t(`setup.problem.${problem.key}`, problem)}</li>
            ))}
          </ul>
        </div>
      )}
      {context && reading?.ok && (
        <section className="setup-summary" aria-label={t('setup.choose')}>
          {contexts.length > 1 && (
            <fieldset>
              <legend>{t('setup.choose')}</legend>
              {contexts.map((c, i) => (
                <label key={c.device.id}>
                  <input type="radio" name="device" checked={i === chosen} onChange={() => setChosen(i)} /> {c.device.id}
                </label>
              ))}
            </fieldset>
          )}
          <p data-setup-device={context.device.id}>
            {t('setup.summary', { hall: context.hall.name, windowNo: context.window.no, windowName: context.window.name, device: context.device.id })}
          </p>
          {context.intake && <p>{t('setup.intake', { url: context.intake.url })}</p>}
          {reading.rotatesKey !== undefined && <p data-setup-key={reading.rotatesKey ? 'rotates' : 'kept'}>{t(reading.rotatesKey ? 'setup.keyRotates' : 'setup.keyKept')}</p>}
          <button
            type="button"
            disabled={!apply || applying}
            onClick={() => {
              if (!apply) return;
              setApplying(true);
              void apply(context, reading.adminPinHash).finally(() => setApplying(false));
            }}
          >
            {applyLabel}
          </button>
        </section>
      )}
    </>
  );
}
