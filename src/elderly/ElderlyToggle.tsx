import { useTranslation } from 'react-i18next';
import { useFlow } from '../flow/FlowContext';
import { useElderly } from './useElderly';

/** The citizen's (or staff's) switch into elderly mode, where the hall offers it. */
export function ElderlyToggle() {
  const { t } = useTranslation();
  const offered = useFlow((s) => s.context?.policies.elderly.mode === 'offer');
  const send = useFlow((s) => s.send);
  const on = useElderly();
  if (!offered) return null;
  return (
    <button type="button" className="elderly-toggle" aria-pressed={on} aria-describedby="elderly-hint" onClick={() => send({ type: 'SET_ELDERLY', value: !on })}>
      <span aria-hidden="true">👓 </span>
      {t('elderly.toggle')}
      <span id="elderly-hint" className="elderly-hint">
        {t('elderly.hint')}
      </span>
    </button>
  );
}
