import path from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, powerSaveBlocker, screen, session } from 'electron';
import { contentSecurityPolicy } from '../shared-node/contentSecurityPolicy';
import { serialDeviceFromConfig } from '../host/device/fromConfig';
import { startOnHallConfig } from '../host/hallConfigFile';
import { startHost, type RunningHost } from '../host/hostServer';
import { createRotatingLog } from '../host/rotatingLog';
import { shellHostPort, startupErrorPage } from '../host/shellStartup';
import { chooseKioskDisplay } from './displayChoice';
import { attachIpcBridge } from './ipcTransport';
import { watchRenderer } from './rendererWatchdog';
import { isAllowedNavigation, isPermissionAllowed, refuseDeviceChoosers } from './shellPolicy';

/**
 * Electron entry: wires the shared host core (host/) into a locked-down kiosk window. Every
 * decision lives in a plain module tested without Electron; this file only connects them.
 */
let host: RunningHost | undefined;
let log = (message: string) => console.log(`[shell] ${message}`);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  Menu.setApplicationMenu(null);
  app.on('web-contents-created', (_event, contents) => {
    // No new windows, no webviews, from any page this app ever shows.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  // Every start-up error is logged and shown on a plain page saying what to do: never a bare
  // desktop behind a kiosk, never an unhandled rejection nobody sees.
  const dataDir = app.getPath('userData');
  const logDir = path.join(dataDir, 'logs');
  const configFile = process.env.HALL_CONFIG ?? path.join(process.resourcesPath, 'kiosk-config', 'hall.json');
  const showStartupError = (error: unknown) => {
    log(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const window = new BrowserWindow({ fullscreen: true, backgroundColor: '#f3f6fa', webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, disableBlinkFeatures: 'Auxclick' } });
    window.webContents.on('will-navigate', (event) => event.preventDefault());
    void window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(startupErrorPage(error, { logDir, configFile }))}`);
  };
  process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));

  app.whenReady().then(async () => {
    log = createRotatingLog({ dir: logDir });
    // The config becomes last-good only once the host has started on it.
    const { started, hall } = await startOnHallConfig(
      configFile,
      dataDir,
      process.env.DEVICE_ID,
      async (candidate) => {
        const deviceId = process.env.DEVICE_ID ?? candidate.devices[0]?.id ?? '';
        const serial = candidate.devices.find((d) => d.id === deviceId)?.serial;
        return startHost({
          hall: candidate,
          deviceId,
          // A fixed port, the device's configured hostPort: the page's origin, and with it its
          // IndexedDB outbox, must be the same at every launch.
          port: shellHostPort(candidate, deviceId),
          staticDir: path.join(app.getAppPath(), 'dist'),
          // The invitation journal: accepted case events survive a restart (issue 15).
          dataDir,
          log,
          // The admin panel's PIN-checked exit is the only way out of the kiosk.
          onExitKiosk: () => app.exit(0),
          ...(serial ? { createDevice: serialDeviceFromConfig(serial) } : {}),
        });
      },
      log,
    );
    host = started;
    const origin = host.origin;

    session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
    session.defaultSession.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
    refuseDeviceChoosers(session.defaultSession);
    // The host already sends this CSP; the session enforces it too, for every response.
    const csp = contentSecurityPolicy(hall.intake?.url);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } }),
    );

    const display = chooseKioskDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay(), Number(process.env.KIOSK_DISPLAY_ID) || undefined);
    const window = new BrowserWindow({
      ...display.bounds,
      kiosk: true,
      fullscreen: true,
      autoHideMenuBar: true,
      backgroundColor: '#f3f6fa',
      webPreferences: {
        // Reviewed: the preload exposes only send/onMessage over one IPC channel (electron/preload.ts).
        preload: path.join(import.meta.dirname, 'preload.cjs'), /* eng-disable PRELOAD_JS_CHECK */
        disableBlinkFeatures: 'Auxclick',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        devTools: !app.isPackaged,
      },
    });
    window.webContents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url, origin)) event.preventDefault();
    });
    window.webContents.on('will-redirect', (event, url) => {
      if (!isAllowedNavigation(url, origin)) event.preventDefault();
    });
    // The kiosk closes only through the admin panel's PIN-guarded exit, never by a key chord.
    window.on('close', (event) => {
      if (!app.isPackaged) return;
      event.preventDefault();
    });
    attachIpcBridge(host.hub, ipcMain, window.webContents);
    watchRenderer(window.webContents, { log: (m) => log(m) });
    powerSaveBlocker.start('prevent-display-sleep');
    if (process.env.AUTO_LAUNCH === '1') app.setLoginItemSettings({ openAtLogin: true });
    await window.loadURL(`${origin}/`);
  }).catch(showStartupError);

  app.on('window-all-closed', () => {
    void host?.close().finally(() => app.quit());
  });
}
