import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { useAdminStore } from './admin/adminStore';
import { App } from './App';
import { selectBridge } from './bridge/selectBridge';
import { openEvaluatorDb } from './data/db';
import { FlowProvider } from './flow/FlowContext';
import { createFlowStore } from './flow/flowStore';
import { createI18n } from './i18n/i18n';
import { preciseNow } from './lib/time';
import { registerServiceWorker } from './pwa/registerServiceWorker';
import { useStorageStore, watchStorage } from './pwa/storageGuard';
import type { DeviceContext } from '../contract/hallConfig';
import './styles.css';

async function boot(): Promise<void> {
  const db = openEvaluatorDb();
  const bridge = selectBridge(window.location, window.sessionStorage, window.history, window.evaluatorBridge);
  const store = createFlowStore({
    db,
    now: preciseNow,
    ackInvitation: (invitationId) => bridge?.send({ type: 'ack', invitationId }),
    onOutcomeRecorded: () => void useAdminStore.getState().engine?.notify(),
    clockOffsetMs: () => useAdminStore.getState().syncStatus?.clockOffsetMs ?? null,
  });

  // Sync is loaded after the first screen: it is not needed to paint or to record a rating.
  let sync: { stop(): void } | null = null;
  let syncFor = '';
  const ensureSync = async (context: DeviceContext) => {
    const key = JSON.stringify([context.device.id, context.intake]);
    if (key === syncFor) return;
    sync?.stop();
    syncFor = key;
    const { startSyncService } = await import('./sync/syncService');
    if (syncFor !== key) return;
    const started = startSyncService({
      db,
      context,
      now: () => Date.now(),
      onStatus: (syncStatus) => useAdminStore.setState({ syncStatus }),
      onSealingKey: (key) => void store.setSealingKey(key),
      ...(navigator.locks ? { locks: navigator.locks } : {}),
    });
    sync = started;
    useAdminStore.setState({ engine: started?.engine ?? null });
  };
  const i18n = createI18n();

  // Pending invitations come back before the host can send new ones: order is kept.
  await store.restore();
  const cached = store.getState().context;
  if (cached) void ensureSync(cached);
  bridge?.start({
    onContext: (context) => {
      const previous = store.getState().context;
      if (previous && JSON.stringify(previous) !== JSON.stringify(context)) {
        void import('./data/auditLog').then(({ appendAudit }) => appendAudit(db, 'config-changed', { deviceId: context.device.id }));
      }
      void store.setContext(context);
      void ensureSync(context);
    },
    onInvitation: (invitation) => void store.receiveInvitation(invitation),
    onConnectionChange: (connected) => {
      store.setHostConnected(connected);
      if (connected) bridge.send({ type: 'screen', name: store.getState().flow.screen.name });
    },
    onDevicePress: (level, method) => store.getState().send({ type: 'PRESS', level, method }),
    onDeviceStatus: (deviceStatus) => useAdminStore.setState({ deviceStatus }),
    onAdminUnlock: (pinResult) => {
      void import('./data/auditLog').then(({ appendAudit }) =>
        appendAudit(db, pinResult.ok ? 'pin-accepted' : 'pin-refused', pinResult.ok ? {} : { reason: pinResult.reason ?? null, retryAfterMs: pinResult.retryAfterMs }),
      );
      useAdminStore.setState(pinResult.ok ? { pinPadOpen: false, pinResult: null, open: true } : { pinResult });
    },
    onProtocolError: (error) => console.warn(`bridge: ${error}`),
  });

  if (bridge) useAdminStore.setState({ sendToHost: (message) => bridge.send(message) });

  // The host gates device presses and drives the device's lights by the screen shown.
  store.subscribe((state, previous) => {
    const name = state.flow.screen.name;
    if (name !== previous.flow.screen.name) bridge?.send({ type: 'screen', name });
  });

  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root');
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <FlowProvider value={store}>
          <App db={db} />
        </FlowProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}

void boot();
registerServiceWorker(navigator, import.meta.env.PROD);
// Outcomes live in IndexedDB: ask the browser not to evict it, and warn staff before it fills.
watchStorage(navigator.storage as StorageManager | undefined, (report) => useStorageStore.setState({ report }));
