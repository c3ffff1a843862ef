import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchDir } from './kioskBrowser';
import { filterAllows, kioskPolicyWarnings, managedPolicyDir } from './kioskPolicy';

const SHIPPED = path.resolve(import.meta.dirname, '../kiosk-config/chromium-policies/kiosk.json');
const shipped = JSON.parse(readFileSync(SHIPPED, 'utf8')) as Record<string, unknown>;

/**
 * Every policy name the shipped file may use, each checked against Chromium's own definitions:
 * components/policy/resources/templates/policies.yaml (the id → name registry) and the policy's
 * policy_definitions/<group>/<Name>.yaml (type, values, supported_on chrome.* i.e. Linux and
 * Windows, not deprecated unless noted). A typo in the JSON fails here instead of being silently
 * ignored by Chromium.
 */
const VERIFIED_POLICY_NAMES = new Set([
  'DeveloperToolsAvailability', // int-enum, 2 = DeveloperToolsDisallowed; chrome.*:68-
  'RemoteDebuggingAllowed', // boolean; chrome.*:93-
  'URLBlocklist', // list; chrome.*:86- (navigations only: XHR/fetch are not subject to it)
  'URLAllowlist', // list; chrome.*:86- (Windows: domain-joined, Pro or CBCM only)
  'IncognitoModeAvailability', // int-enum, 1 = Disabled; chrome.*:14-
  'BrowserGuestModeEnabled', // boolean; chrome.*:38-
  'BrowserAddPersonEnabled', // boolean; chrome.*:39-
  'BrowserSignin', // int-enum, 0 = Disable; chrome.*:70-
  'SyncDisabled', // boolean; chrome.*:8-
  'PrintingEnabled', // boolean; chrome.*:8-
  'DownloadRestrictions', // int-enum, 3 = BlockAllDownloads; chrome.*:61-
  'AllowFileSelectionDialogs', // boolean; chrome.*:12-
  'PasswordManagerEnabled', // boolean; chrome.*:8-
  'AutofillSettings', // dict list {url_pattern, blocked_types}; chrome.*:154-
  'AutofillAddressEnabled', // boolean; chrome.*:69-, deprecated in M156 for AutofillSettings: kept for older builds
  'AutofillCreditCardEnabled', // boolean; chrome.*:63-
  'TranslateEnabled', // boolean; chrome.*:12-
  'ExtensionInstallBlocklist', // list, '*' = all; chrome.*:86-
  'TaskManagerEndProcessEnabled', // boolean; chrome.*:52-
  'AllowDinosaurEasterEgg', // boolean; chrome.*:48- (the offline page when the host is down)
  'BackgroundModeEnabled', // boolean; chrome.win / chrome.linux:19-
  'DefaultPopupsSetting', // 2 = BlockPopups; chrome.*:10-
  'DefaultNotificationsSetting', // 2 = BlockNotifications; chrome.*:10-
  'DefaultGeolocationSetting', // 2 = BlockGeolocation; chrome.*:10-
  'DefaultWebBluetoothGuardSetting', // 2 = BlockWebBluetooth; chrome.*:50-
  'DefaultWebUsbGuardSetting', // 2 = BlockWebUsb; chrome.*:67-
  'DefaultWebHidGuardSetting', // 2 = BlockWebHid; chrome.*:100-
  'DefaultSerialGuardSetting', // 2 = BlockSerial; chrome.*:86- (the host, not the page, talks to the serial box)
  'DefaultFileSystemReadGuardSetting', // 2 = BlockFileSystemRead; chrome.*:86-
  'DefaultFileSystemWriteGuardSetting', // 2 = BlockFileSystemWrite; chrome.*:86-
  'AudioCaptureAllowed', // boolean; chrome.*:25-
  'VideoCaptureAllowed', // boolean; chrome.*:25-
  'ScreenCaptureAllowed', // boolean; chrome.*:81-
]);

/** Policies that would wipe or refuse the page's IndexedDB outbox: never on a rating terminal. */
const FORBIDDEN = ['ForceEphemeralProfiles', 'BrowsingDataLifetime', 'ClearBrowsingDataOnExitList', 'DefaultCookiesSetting', 'CookiesSessionOnlyForUrls'];

describe('the shipped Chromium kiosk policy', () => {
  it('disables developer tools', () => {
    expect(shipped.DeveloperToolsAvailability).toBe(2);
  });

  it('uses only policy names verified against Chromium', () => {
    expect(Object.keys(shipped).filter((name) => !VERIFIED_POLICY_NAMES.has(name))).toEqual([]);
  });

  it('has values of the types and ranges Chromium accepts', () => {
    for (const [name, value] of Object.entries(shipped)) {
      if (/^Default.*Setting$/.test(name)) expect([name, value]).toEqual([name, 2]);
      else if (['URLBlocklist', 'URLAllowlist', 'ExtensionInstallBlocklist'].includes(name)) expect(Array.isArray(value) && value.every((v) => typeof v === 'string')).toBe(true);
      else if (name === 'AutofillSettings') expect(value).toEqual([{ url_pattern: '*', blocked_types: ['all'] }]);
      else if (['DeveloperToolsAvailability', 'IncognitoModeAvailability', 'BrowserSignin', 'DownloadRestrictions'].includes(name)) expect(Number.isInteger(value)).toBe(true);
      else expect([name, typeof value]).toEqual([name, 'boolean']);
    }
    expect(shipped).toMatchObject({ IncognitoModeAvailability: 1, BrowserSignin: 0, DownloadRestrictions: 3, ExtensionInstallBlocklist: ['*'] });
  });

  it('keeps the rating screen reachable on any host port, and nothing else', () => {
    expect(shipped.URLBlocklist).toContain('*');
    const allow = shipped.URLAllowlist as string[];
    for (const port of [8787, 8788, 49152]) expect(allow.some((f) => filterAllows(f, `http://127.0.0.1:${port}/#token=abc`))).toBe(true);
    expect(allow.some((f) => filterAllows(f, 'https://example.com/'))).toBe(false);
  });

  it('never clears or refuses the page storage that holds unsent ratings', () => {
    expect(FORBIDDEN.filter((name) => name in shipped)).toEqual([]);
  });
});

describe('kiosk policy check at start', () => {
  const appUrl = 'http://127.0.0.1:8787/#token=abc';
  const dirWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'policies-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  };

  it('is quiet with the shipped policy installed', () => {
    expect(kioskPolicyWarnings({ policyDir: dirWith({ 'haochaping-kiosk.json': readFileSync(SHIPPED, 'utf8') }), appUrl, platform: 'linux' })).toEqual([]);
  });

  it('warns when no policy is installed (or the folder does not exist)', () => {
    expect(kioskPolicyWarnings({ policyDir: dirWith({}), appUrl, platform: 'linux' })[0]).toMatch(/^no Chromium enterprise policy in .*: developer tools, printing, downloads and incognito are open on this kiosk; install kiosk-config\/chromium-policies\/kiosk.json there/);
    expect(kioskPolicyWarnings({ policyDir: '/nonexistent/policies/managed', appUrl, platform: 'linux' })).toHaveLength(1);
  });

  it('warns when developer tools stay available, a file is not JSON, or the rating screen would be blocked', () => {
    const dir = dirWith({ 'a.json': '{"DeveloperToolsAvailability": 1, "URLBlocklist": ["*"], "URLAllowlist": ["https://127.0.0.1"]}', 'b.json': '{ not json' });
    const warnings = kioskPolicyWarnings({ policyDir: dir, appUrl, platform: 'linux' });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/b\.json is not readable JSON/);
    expect(warnings[1]).toMatch(/does not set DeveloperToolsAvailability to 2/);
    expect(warnings[2]).toMatch(/blocks every URL but allows none that matches http:\/\/127\.0\.0\.1:8787: the rating screen will not load/);
  });

  it('warns, with the filter to add, when the policy blocks the launch file the kiosk is given instead of its link', () => {
    const launchFileUrl = 'file:///var/lib/haochaping/launch/launch.html';
    const shipped = dirWith({ 'haochaping-kiosk.json': readFileSync(SHIPPED, 'utf8') });
    // The shipped policy allows the launch file in the user's runtime folder, where it goes by default.
    expect(kioskPolicyWarnings({ policyDir: shipped, appUrl, launchFileUrl: `file://${launchDir('/data', { XDG_RUNTIME_DIR: '/run/user/1000' })}/launch.html`, platform: 'linux' })).toEqual([]);
    expect(launchDir('/data', {})).toBe('/data/launch');
    expect(kioskPolicyWarnings({ policyDir: shipped, appUrl, launchFileUrl, platform: 'linux' })).toEqual([
      expect.stringContaining(`blocks the launch file: add "${launchFileUrl}" to URLAllowlist`),
    ]);
    const allowing = dirWith({ 'a.json': readFileSync(SHIPPED, 'utf8'), 'b.json': '{"URLAllowlist": ["http://127.0.0.1", "file:///var/lib/haochaping/launch"]}' });
    expect(kioskPolicyWarnings({ policyDir: allowing, appUrl, launchFileUrl, platform: 'linux' })).toEqual([]);
    expect(filterAllows('file:///var/lib/haochaping/launch', 'file:///var/lib/haochaping/launcher/x.html')).toBe(false);
    expect(filterAllows('127.0.0.1', launchFileUrl)).toBe(false);
  });

  it('says nothing where it cannot look (Windows keeps policies in the registry)', () => {
    expect(kioskPolicyWarnings({ policyDir: '/nonexistent', appUrl, platform: 'win32' })).toEqual([]);
  });

  it('knows where Chromium and Google Chrome read managed policies on Linux', () => {
    expect(managedPolicyDir('/usr/bin/chromium')).toBe('/etc/chromium/policies/managed');
    expect(managedPolicyDir('/usr/bin/chromium-browser')).toBe('/etc/chromium/policies/managed');
    expect(managedPolicyDir('/usr/bin/google-chrome-stable')).toBe('/etc/opt/chrome/policies/managed');
  });

  it('reads URL filters like Chromium does for the entries a kiosk needs', () => {
    expect(filterAllows('127.0.0.1', appUrl)).toBe(true);
    expect(filterAllows('http://127.0.0.1:8787', appUrl)).toBe(true);
    expect(filterAllows('http://127.0.0.1:9999', appUrl)).toBe(false);
    expect(filterAllows('https://127.0.0.1', appUrl)).toBe(false);
    expect(filterAllows('localhost', appUrl)).toBe(false);
    expect(filterAllows('*', appUrl)).toBe(true);
    expect(filterAllows('http://127.0.0.1/admin', appUrl)).toBe(false);
  });
});
