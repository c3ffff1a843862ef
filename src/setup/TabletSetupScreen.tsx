import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceContext } from '../../contract/hallConfig';
import { ScreenHeading } from '../components/ScreenHeading';
import { useSetupStore } from './setupStore';
import { readTabletBundle, type BundleProblem } from './tabletBundle';

/**
 * First start of a host-less tablet: IT staff load the device bundle `npm run provision` wrote
 * for it. A bad bundle changes nothing and every problem is listed; a good one shows what the
 * tablet will be before it is applied.
 */
export function TabletSetupScreen() {
  const { t } = useTranslation();
  const apply = useSetupStore((s) => s.apply);
  const [pasted, setPasted] = useState('');
  const [problems, setProblems] = useState<BundleProblem[]>([]);
  const [contexts, setContexts] = useState<DeviceContext[]>([]);
  const [adminPinHash, setAdminPinHash] = useState<string | undefined>(undefined);
  const [chosen, setChosen] = useState(0);
  const [applying, setApplying] = useState(false);

  const read = (text: string) => {
    const bundle = readTabletBundle(text);
    setProblems(bundle.ok ? [] : bundle.problems);
    setContexts(bundle.ok ? bundle.contexts : []);
    setAdminPinHash(bundle.ok ? bundle.adminPinHash : undefined);
    setChosen(0);
  };
  const context = contexts[chosen];

  return (
    <main className="screen setup-screen" data-screen="setup">
      <ScreenHeading>{t('setup.title')}</ScreenHeading>
      <p>{t('setup.intro')}</p>
      <label className="setup-field">
        <span>{t('setup.file')}</span>
        <input
          type="file"
          accept="application/json,.json"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void file.text().then(read);
          }}
        />
      </label>
      <form
        className="setup-field"
        onSubmit={(event) => {
          event.preventDefault();
          read(pasted);
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
      {context && (
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
          <button
            type="button"
            disabled={!apply || applying}
            onClick={() => {
              if (!apply) return;
              setApplying(true);
              void apply(context, adminPinHash).finally(() => setApplying(false));
            }}
          >
            {t('setup.apply')}
          </button>
        </section>
      )}
    </main>
  );
}
