import path from 'node:path';
import { app, BrowserWindow, session } from 'electron';
import { loadHallConfigKeepingLastGood } from '../host/hallConfigFile';
import { startHost, type RunningHost } from '../host/hostServer';

/**
 * Electron entry: wires the shared host core and shows the renderer in a locked-down kiosk
 * window. Everything with logic lives in host/ and runs without Electron.
 */
let host: RunningHost | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.whenReady().then(async () => {
    const dataDir = app.getPath('userData');
    const configFile = process.env.HALL_CONFIG ?? path.join(process.resourcesPath, 'kiosk-config', 'hall.json');
    const { hall } = loadHallConfigKeepingLastGood(configFile, dataDir);
    host = await startHost({
      hall,
      deviceId: process.env.DEVICE_ID ?? hall.devices[0]?.id ?? '',
      port: 0,
      staticDir: path.join(app.getAppPath(), 'dist'),
    });
    const origin = host.origin;
    session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));

    const window = new BrowserWindow({
      kiosk: true,
      fullscreen: true,
      autoHideMenuBar: true,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools: !app.isPackaged },
    });
    window.webContents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${origin}/`)) event.preventDefault();
    });
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    await window.loadURL(host.appUrl);
  });

  app.on('window-all-closed', () => {
    void host?.close().finally(() => app.quit());
  });
}
