import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { useAdminStore, type PinResult } from './admin/adminStore';
import { App } from './App';
import type { Bridge } from './bridge/bridge';
import type { RendererMessage } from '../contract/bridgeMessages';
import { openEvaluatorDb, type EvaluatorDb } from './data/db';
import { FlowProvider } from './flow/FlowContext';
import { createFlowStore, type FlowStore } from './flow/flowStore';
import { createI18n, directionOf, switchLanguage } from './i18n/i18n';
import { loadDeviceContext } from './data/deviceContext';
import { claimScreen } from './tabs/screenOwnership';
import { InUseElsewhere } from './tabs/InUseElsewhere';
import { preciseNow } from './lib/time';
import { createStaffSessions } from './pairing/staffSessions';
import { preloadPressPath } from './pwa/pressPath';
import { registerServiceWorker } from './pwa/registerServiceWorker';
import { useSetupStore } from './setup/setupStore';
import { useStorageStore, watchStorage } from './pwa/storageGuard';
import type { DeviceContext } from '../contract/hallConfig';
import './styles.css';

/** On a host-less tablet, acknowledgements go to the intake feed once it is loaded. */
let tabletAck: ((invitationId: string) => void) | null = null;

async function boot(): Promise<void> {
  const rootElement = document.getElementById('root');
  if (!rootElement) throw new Error('missing #root');
  const root = createRoot(rootElement);
  const i18n = createI18n();
  const db = openEvaluatorDb();
  // One page of this device runs the rating screen; another one waits here until it closes.
  await claimScreen(navigator.locks, () => {
    root.render(
      <StrictMode>
        <I18nextProvider i18n={i18n}>
          <InUseElsewhere />
        </I18nextProvider>
      </StrictMode>,
    );
    void loadDeviceContext(db).then((context) => {
      const language = context?.languages[0];
      if (!language) return;
      document.documentElement.lang = language;
      document.documentElement.dir = directionOf(language);
      return switchLanguage(i18n, language);
    });
  });
  let bridge: Bridge | null = null;
  const sessions = createStaffSessions(db);
  const store = createFlowStore({
    db,
    staffSession: sessions.current,
    now: preciseNow,
    ackInvitation: (invitationId) => (bridge ? bridge.send({ type: 'ack', invitationId }) : tabletAck?.(invitationId)),
    onOutcomeRecorded: () => void useAdminStore.getState().engine?.notify(),
    clockOffsetMs: () => useAdminStore.getState().syncStatus?.clockOffsetMs ?? null,
    pressPathReady: preloadPressPath,
    onWriteFailed: (writeFailure) => useStorageStore.setState({ writeFailure }),
    onInvitationStored: () => void reports?.notify(),
  });

  // Sync is loaded after the first screen: it is not needed to paint or to record a rating.
  let sync: { stop(): void } | null = null;
  let pairing: { stop(): void } | null = null;
  let heartbeats: { stop(): void } | null = null;
  let reports: { stop(): void; notify(): Promise<void> } | null = null;
  let syncFor = '';
  const ensureSync = async (context: DeviceContext) => {
    const key = JSON.stringify([context.device.id, context.intake]);
    if (key === syncFor) return;
    sync?.stop();
    pairing?.stop();
    heartbeats?.stop();
    reports?.stop();
    pairing = heartbeats = reports = null;
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
      // A key rotation waits until nobody is rating on this screen.
      isIdle: () => store.getState().flow.screen.name === 'idle',
    });
    sync = started;
    useAdminStore.setState({ engine: started?.engine ?? null });
    // Staff pair through the intake once it knows this device.
    if (started && context.policies.staffPairing !== 'login-event') {
      await started.enrolled;
      const { startPairingService } = await import('./pairing/pairingService');
      if (syncFor === key) pairing = startPairingService({ client: started.client, sessions, now: () => Date.now() });
    }
    // Signed heartbeats (chain head, queue, storage, version, rating device) once the intake knows this device.
    if (started) {
      await started.enrolled;
      const { APP_VERSION, startHeartbeats } = await import('./sync/heartbeat');
      if (syncFor === key) heartbeats = startHeartbeats({ client: started.client, db, context, now: () => Date.now(), appVersion: APP_VERSION, clockOffsetMs: () => started.engine.status().clockOffsetMs, ratingDevice: () => useAdminStore.getState().deviceStatus, storage: navigator.storage, intervalMs: context.policies.heartbeatIntervalSec * 1000 });
      // Every invitation opened is reported, so one that never gets an outcome shows at the intake.
      const { startReportUploader } = await import('./sync/reportUploader');
      if (syncFor === key) reports = startReportUploader({ db, client: started.client, deviceId: context.device.id, hallCode: context.hall.code });
      // The thanks screen of an unrated case shows a QR to rate it on the citizen's phone (issue 24),
      // and so does a 办结's rating screen where the hall chooses it (policies.caseQrOnEveryClose).
      const { caseLinkRequestFor, caseLinkRequestForInvitation, useCaseLinkStore } = await import('./phone/caseLink');
      if (syncFor === key) {
        useCaseLinkStore.setState({
          requestLink: async (invitationId) => {
            const endings = await db.outbox.where('invitationId').equals(invitationId).toArray();
            const request = endings.length > 0 ? caseLinkRequestFor(endings[endings.length - 1]!, context) : null;
            return request ? ((await started.client.caseLink(request))?.url ?? null) : null;
          },
          linkForInvitation: async (invitation) => {
            const request = caseLinkRequestForInvitation(invitation, context);
            return request ? started.client.caseLink(request) : null;
          },
        });
      }
    }
  };
  const logoutAt = () => store.getState().context?.policies.staffLogoutAt ?? '20:00';

  // Pending invitations come back before the host can send new ones: order is kept. The bridge
  // checks host messages with the contract's zod schemas, so it loads beside the restore rather
  // than with the first screen (initial JS budget).
  const [{ selectBridge }] = await Promise.all([import('./bridge/selectBridge'), store.restore()]);
  bridge = selectBridge(window.location, window.sessionStorage, window.history, window.evaluatorBridge);
  await sessions.restore(logoutAt());
  setInterval(() => void sessions.endOfDay(logoutAt()), 60_000);
  const cached = store.getState().context;
  if (cached) void ensureSync(cached);
  // No host (a standalone tablet): invitations come from the intake's feed, for the device this
  // tablet was provisioned as. Loaded only here, so hosted kiosks never fetch it.
  const hostBridge = bridge;
  let tabletFeed: Promise<{ stop(): void } | null> | null = null;
  const feedFor = (context: DeviceContext) => {
    void tabletFeed?.then((feed) => feed?.stop());
    tabletFeed = startTabletFeed(db, context, store);
  };
  if (!hostBridge && cached?.intake) feedFor(cached);
  /**
   * A new bundle for the device this tablet already is (admin panel, behind the PIN): the context,
   * the PIN hash and its audit entry are written in one transaction, so a power cut leaves the old
   * configuration or the new one. The outbox, the chain and the staff session are not touched; the
   * sync service replaces the key when the bundle brings a new enrolment token.
   */
  const reprovision = async (context: DeviceContext, adminPinHash: string | undefined) => {
    const previous = store.getState().context;
    const [{ appendAudit }, { storeTabletPinHash }, { saveDeviceContext }] = await Promise.all([import('./data/auditLog'), import('./admin/tabletPinGate'), import('./data/deviceContext')]);
    await appendAudit(db, 'config-changed', { deviceId: context.device.id, via: 'tablet-reprovision', windowName: context.window.name }, {
      tables: ['meta'],
      run: async () => {
        await storeTabletPinHash(db, adminPinHash);
        await saveDeviceContext(db, context);
      },
    });
    await store.setContext(context);
    void ensureSync(context);
    if (previous?.intake?.url !== context.intake?.url) feedFor(context);
  };
  if (!hostBridge && cached) useSetupStore.setState({ reprovision });
  // Neither a host nor a stored context: a tablet on its first start, set up from its bundle.
  if (!hostBridge && !cached) {
    useSetupStore.setState({
      needed: true,
      apply: async (context: DeviceContext, adminPinHash: string | undefined) => {
        const [{ appendAudit }, { storeTabletPinHash }, { adoptCarriedHead }] = await Promise.all([import('./data/auditLog'), import('./admin/tabletPinGate'), import('./setup/deviceReset')]);
        // The PIN hash first: a stored context ends the setup screen, and a tablet reloaded
        // between the two must not be left with no way into its admin panel.
        await storeTabletPinHash(db, adminPinHash);
        // A tablet reset from this same device goes on with its chain (setup/deviceReset.ts).
        await adoptCarriedHead(db, context.device.id);
        await store.setContext(context);
        await appendAudit(db, 'config-changed', { deviceId: context.device.id, via: 'tablet-setup' });
        useSetupStore.setState({ needed: false, apply: null, reprovision });
        void ensureSync(context);
        feedFor(context);
      },
    });
  }
  hostBridge?.start({
    onContext: (context) => {
      const previous = store.getState().context;
      if (previous && JSON.stringify(previous) !== JSON.stringify(context)) {
        void import('./data/auditLog').then(({ appendAudit }) => appendAudit(db, 'config-changed', { deviceId: context.device.id }));
      }
      void store.setContext(context);
      void ensureSync(context);
    },
    onInvitation: (invitation) => void store.receiveInvitation(invitation),
    onStaffSession: (session, atMs) => void sessions.applyLoginEvent(session, atMs),
    onConnectionChange: (connected) => {
      store.setHostConnected(connected);
      if (connected) hostBridge.send({ type: 'screen', name: store.getState().flow.screen.name });
    },
    onDevicePress: (level, method) => store.getState().send({ type: 'PRESS', level, method }),
    onDeviceStatus: (deviceStatus) => useAdminStore.setState({ deviceStatus }),
    onAdminUnlock: (pinResult) => void applyPinResult(db, pinResult),
    onProtocolError: (error) => console.warn(`bridge: ${error}`),
  });

  if (hostBridge) useAdminStore.setState({ sendToHost: (message) => hostBridge.send(message) });
  // No host to check the PIN or exit a kiosk: a tablet checks the bundle's PIN hash itself.
  else useAdminStore.setState({ sendToHost: (message) => void tabletAdmin(db, message), canExitKiosk: false });

  // The host gates device presses and drives the device's lights by the screen shown.
  store.subscribe((state, previous) => {
    const name = state.flow.screen.name;
    if (name !== previous.flow.screen.name) bridge?.send({ type: 'screen', name });
  });

  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <FlowProvider value={store}>
          <App db={db} />
        </FlowProvider>
      </I18nextProvider>
    </StrictMode>,
  );
  afterFirstPaint(() => startUpdates(store));
}

/** Runs once the first screen has painted (the next frame, then a task), or after a second at most. */
function afterFirstPaint(run: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    run();
  };
  requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 1000);
}

/**
 * An update never breaks a rating: every chunk the press → durable path needs is loaded now, while
 * this build's files are surely there (src/pwa/pressPath.ts), and a new version (a new build on
 * the host, a new service worker) takes over only on the idle screen with nothing queued, where
 * the page reloads into it (src/pwa/updateAtIdle.ts, loaded here, off the first screen's bundle).
 */
function startUpdates(store: FlowStore): void {
  const pressPath = preloadPressPath().then(
    () => true,
    (error: unknown) => {
      console.warn(`press path not loaded: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    },
  );
  if (!import.meta.env.PROD) return;
  import('./pwa/updateAtIdle')
    .then(({ pageBuild, updateAtIdle }) => {
      const updates = updateAtIdle({
        flow: store,
        page: pageBuild(document),
        ...('serviceWorker' in navigator ? { serviceWorker: navigator.serviceWorker } : {}),
        busy: () => {
          const admin = useAdminStore.getState();
          return admin.open || admin.pinPadOpen || useSetupStore.getState().needed;
        },
        watchBusy: (onChange) => {
          const admin = useAdminStore.subscribe(onChange);
          const setup = useSetupStore.subscribe(onChange);
          return () => {
            admin();
            setup();
          };
        },
        reload: () => window.location.reload(),
      });
      // This build's own chunks could not load: a newer build has replaced them. Look for it now.
      void pressPath.then((loaded) => {
        if (!loaded) void updates.check();
      });
    })
    .catch((error: unknown) => console.warn(`update check not started: ${error instanceof Error ? error.message : String(error)}`));
}

async function startTabletFeed(db: EvaluatorDb, context: DeviceContext, store: FlowStore): Promise<{ stop(): void } | null> {
  const intake = context.intake;
  if (!intake) return null;
  const [{ createIntakeFeedBridge }, { currentKeyReader, signRequest }] = await Promise.all([import('./bridge/intakeFeedBridge'), import('./device/deviceKey')]);
  // The key as it is now at each request: after a key rotation (in this tab or another) the
  // feed signs with the new key, not the retired one (which the intake no longer takes).
  const currentKey = currentKeyReader(db);
  const feed = createIntakeFeedBridge({
    intakeUrl: intake.url,
    deviceId: context.device.id,
    sign: async (ts, body) => signRequest((await currentKey()).pair, ts, body),
    now: () => Date.now(),
  });
  tabletAck = (invitationId) => feed.send({ type: 'ack', invitationId });
  feed.start({
    onContext: () => undefined,
    onInvitation: (invitation) => void store.receiveInvitation(invitation),
    onConnectionChange: (connected) => store.setHostConnected(connected),
    onDevicePress: () => undefined,
    onDeviceStatus: () => undefined,
    onAdminUnlock: () => undefined,
    onProtocolError: (error) => console.warn(`intake feed: ${error}`),
  });
  return feed;
}

/** The admin requests a host would answer, answered on a host-less tablet. */
async function tabletAdmin(db: EvaluatorDb, message: RendererMessage): Promise<void> {
  if (message.type !== 'adminUnlock') return;
  const { createTabletPinGate } = await import('./admin/tabletPinGate');
  await applyPinResult(db, await createTabletPinGate(db).attempt(message.pin));
}

/** A PIN answer, from the host or the tablet's own check: the panel opens or the pad says why not, and the answer is audited. */
async function applyPinResult(db: EvaluatorDb, pinResult: PinResult): Promise<void> {
  useAdminStore.setState(pinResult.ok ? { pinPadOpen: false, pinResult: null, open: true } : { pinResult });
  const { appendAudit } = await import('./data/auditLog');
  await appendAudit(db, pinResult.ok ? 'pin-accepted' : 'pin-refused', pinResult.ok ? {} : { reason: pinResult.reason ?? null, retryAfterMs: pinResult.retryAfterMs });
}

void boot();
registerServiceWorker(navigator, import.meta.env.PROD);
// Outcomes live in IndexedDB: ask the browser not to evict it, and warn staff before it fills.
watchStorage(navigator.storage as StorageManager | undefined, (report) => useStorageStore.setState({ report }));
