import { lazy, Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LEVELS, type Level } from '../contract/ratingCodes';
import { useAdminStore } from './admin/adminStore';
import type { EvaluatorDb } from './data/db';
import { useElderly } from './elderly/useElderly';
import { useFlow } from './flow/FlowContext';
import type { FlowState } from './flow/machine';
import { ConfirmScreen } from './screens/ConfirmScreen';
import { DetailsScreen } from './screens/DetailsScreen';
import { directionOf, switchLanguage } from './i18n/i18n';
import { IdleScreen } from './screens/IdleScreen';
import { RatingScreen } from './screens/RatingScreen';
import { useSetupStore } from './setup/setupStore';
import { SaveFailedScreen, SavingScreen, ThanksScreen } from './screens/StatusScreens';

// Staff-only: loaded when first opened, so it costs the citizen-facing start nothing.
const AdminScreen = lazy(() => import('./admin/AdminScreen').then((m) => ({ default: m.AdminScreen })));
const PinPad = lazy(() => import('./admin/PinPad').then((m) => ({ default: m.PinPad })));
// IT staff only, once per tablet: with the bundle schema, it stays out of the first download.
const TabletSetupScreen = lazy(() => import('./setup/TabletSetupScreen').then((m) => ({ default: m.TabletSetupScreen })));

/**
 * Keyboard-wedge (HID) evaluators type keys: the device's configured key map when it has one,
 * else digits 1–5 are the levels (5 非常满意 … 1 非常不满意).
 */
function levelForKey(key: string, hidKeys: Record<string, Level> | undefined): Level | undefined {
  if (hidKeys) return hidKeys[key];
  return LEVELS.find((level) => String(level) === key);
}

/** A language a citizen chose on idle goes back to the hall's after this long without input. */
const IDLE_LANGUAGE_RESET_MS = 60_000;

/**
 * Where staff may open the admin panel: idle, and a rating that could not be saved (the failure
 * screen, and its retries, which are saving without a citizen's screen behind them).
 */
function staffMayOpenAdmin(screen: FlowState['screen']): boolean {
  return screen.name === 'idle' || screen.name === 'saveFailed' || (screen.name === 'saving' && screen.behind === undefined);
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
}

export function App({ db }: { db: EvaluatorDb }) {
  const screen = useFlow((s) => s.flow.screen);
  const send = useFlow((s) => s.send);
  const defaultLanguage = useFlow((s) => s.context?.languages[0] ?? 'zh-CN');
  const hidKeys = useFlow((s) => s.context?.device.hidKeys);
  const { i18n } = useTranslation();
  const adminOpen = useAdminStore((s) => s.open);
  const pinPadOpen = useAdminStore((s) => s.pinPadOpen);
  const setAdminOpen = useAdminStore((s) => s.setOpen);
  const elderly = useElderly();
  const setupNeeded = useSetupStore((s) => s.needed);

  // A citizen's rating always wins over the admin panel; staff may have it on idle, and while a
  // rating cannot be saved (the storage line and dead letters are where they learn why).
  const adminAllowed = staffMayOpenAdmin(screen);
  useEffect(() => {
    if (!adminAllowed && (adminOpen || pinPadOpen)) setAdminOpen(false);
  }, [adminAllowed, adminOpen, pinPadOpen, setAdminOpen]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat || isTyping(event.target)) return;
      const level = levelForKey(event.key, hidKeys);
      if (level !== undefined) send({ type: 'PRESS', level, method: hidKeys ? 'hid' : 'keyboard' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [send, hidKeys]);

  // Each citizen starts in the hall's first language: it is restored when a citizen leaves (an
  // invitation ends and idle returns, or idle is left alone for a minute), never while they are
  // choosing a language on the idle screen.
  const wasIdle = useRef<boolean | null>(null);
  const isIdle = screen.name === 'idle';
  useEffect(() => {
    const first = wasIdle.current === null;
    const left = wasIdle.current === false;
    wasIdle.current = isIdle;
    if (isIdle && (first || left) && i18n.language !== defaultLanguage) void switchLanguage(i18n, defaultLanguage);
  }, [isIdle, defaultLanguage, i18n]);
  const idleLanguage = isIdle ? i18n.language : null;
  useEffect(() => {
    if (idleLanguage === null || idleLanguage === defaultLanguage) return;
    const reset = () => void switchLanguage(i18n, defaultLanguage);
    let timer = window.setTimeout(reset, IDLE_LANGUAGE_RESET_MS);
    const onInput = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(reset, IDLE_LANGUAGE_RESET_MS);
    };
    window.addEventListener('pointerdown', onInput);
    window.addEventListener('keydown', onInput);
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener('pointerdown', onInput);
      window.removeEventListener('keydown', onInput);
    };
  }, [idleLanguage, defaultLanguage, i18n]);

  useEffect(() => {
    document.documentElement.lang = i18n.language;
    // Uyghur reads right to left: the whole layout mirrors, not just the text.
    document.documentElement.dir = directionOf(i18n.language);
    // 适老化: larger text and targets, high contrast (styles.css, html.elderly).
    document.documentElement.classList.toggle('elderly', elderly);
  });

  // While the outcome is being written the screen the citizen acted on stays as it was: no
  // re-layout competes with the write on the main thread, and the thanks screen follows at once.
  const shown = screen.name === 'saving' ? (screen.behind ?? screen) : screen;
  const staffPanel =
    adminAllowed && (adminOpen || pinPadOpen) ? <Suspense fallback={null}>{adminOpen ? <AdminScreen db={db} /> : <PinPad />}</Suspense> : null;
  switch (shown.name) {
    case 'idle':
      if (setupNeeded) {
        return (
          <Suspense fallback={null}>
            <TabletSetupScreen />
          </Suspense>
        );
      }
      return staffPanel ?? <IdleScreen />;
    case 'rating':
      return <RatingScreen invitation={shown.current.invitation} deadlineMs={shown.deadlineMs} />;
    case 'details':
      return <DetailsScreen draft={shown.draft} inputArmed={shown.inputArmed} deadlineMs={shown.deadlineMs} />;
    case 'confirm':
      return <ConfirmScreen level={shown.level} deadlineMs={shown.deadlineMs} />;
    case 'saving':
      return staffPanel ?? <SavingScreen />;
    case 'saveFailed':
      return staffPanel ?? <SaveFailedScreen error={shown.error} />;
    case 'thanks':
      return <ThanksScreen rated={shown.outcome === 'rated'} invitationId={shown.invitationId} />;
  }
}
