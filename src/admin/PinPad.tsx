import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAdminStore } from './adminStore';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const;

/** Staff PIN entry. The host checks the PIN and enforces the lockout; this only collects digits. */
export function PinPad() {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const result = useAdminStore((s) => s.pinResult);
  const send = useAdminStore((s) => s.sendToHost);

  const press = (key: (typeof KEYS)[number]) => {
    if (key === 'clear') setPin('');
    else if (key === 'back') setPin((p) => p.slice(0, -1));
    else setPin((p) => (p.length < 12 ? p + key : p));
  };
  const submit = () => {
    if (pin.length < 4 || !send) return;
    send({ type: 'adminUnlock', pin });
    setPin('');
  };

  return (
    <main className="screen pin-screen" data-screen="pin">
      <h1>{t('pin.title')}</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <label className="pin-field">
          <span>{t('pin.label')}</span>
          <input
            type="password"
            dir="ltr"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            maxLength={12}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 12))}
            aria-describedby={result && !result.ok ? 'pin-error' : undefined}
          />
        </label>
        {result && !result.ok && (
          <p id="pin-error" className="field-error" role="alert">
            {result.reason === 'notConfigured'
              ? t('pin.notConfigured')
              : result.retryAfterMs > 0
                ? t('pin.locked', { count: Math.ceil(result.retryAfterMs / 1000) })
                : t('pin.wrong')}
          </p>
        )}
        {/* A keypad is never mirrored: 1 2 3 on top, left to right, in Uyghur too. */}
        <div className="pin-keys" dir="ltr">
          {KEYS.map((key) => (
            <button key={key} type="button" onClick={() => press(key)} aria-label={key === 'clear' || key === 'back' ? t(`pin.${key}`) : key}>
              {key === 'clear' ? t('pin.clear') : key === 'back' ? '⌫' : key}
            </button>
          ))}
        </div>
        <div className="details-actions">
          <button type="button" className="secondary" onClick={() => useAdminStore.getState().setOpen(false)}>
            {t('pin.cancel')}
          </button>
          <button type="submit" className="primary" disabled={pin.length < 4}>
            {t('pin.submit')}
          </button>
        </div>
      </form>
    </main>
  );
}
