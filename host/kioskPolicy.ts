import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Where Linux Chromium and Google Chrome read mandatory enterprise policies (every *.json file there). */
export function managedPolicyDir(executable: string): string {
  return /google-chrome|\/opt\/google\/chrome/.test(executable) ? '/etc/opt/chrome/policies/managed' : '/etc/chromium/policies/managed';
}

const SHIPPED = 'kiosk-config/chromium-policies/kiosk.json';
const DOC = 'docs/kiosk-browser-policy.md';

/**
 * What is missing from the Chromium enterprise policy of a kiosk, as warnings for the log: no
 * policy at all, DevTools not disabled, or a URL blocklist that would block the rating screen
 * itself. Only Linux can be checked from here (Windows keeps policies in the registry); a warning
 * never stops the kiosk.
 */
export function kioskPolicyWarnings(options: { policyDir: string; appUrl: string; launchFileUrl?: string; platform?: NodeJS.Platform }): string[] {
  if ((options.platform ?? process.platform) !== 'linux') return [];
  let files: string[];
  try {
    files = readdirSync(options.policyDir).filter((name) => name.endsWith('.json')).sort();
  } catch {
    files = [];
  }
  if (files.length === 0) {
    return [`no Chromium enterprise policy in ${options.policyDir}: developer tools, printing, downloads and incognito are open on this kiosk; install ${SHIPPED} there (${DOC})`];
  }
  const warnings: string[] = [];
  const merged: Record<string, unknown> = {};
  for (const name of files) {
    try {
      Object.assign(merged, JSON.parse(readFileSync(path.join(options.policyDir, name), 'utf8')));
    } catch {
      warnings.push(`${path.join(options.policyDir, name)} is not readable JSON, so Chromium ignores it`);
    }
  }
  if (merged.DeveloperToolsAvailability !== 2) {
    warnings.push(`the Chromium policy in ${options.policyDir} does not set DeveloperToolsAvailability to 2: developer tools can be opened on this kiosk (${DOC})`);
  }
  const list = (key: string) => (Array.isArray(merged[key]) ? (merged[key] as unknown[]).filter((v): v is string => typeof v === 'string') : []);
  if (list('URLBlocklist').includes('*') && !list('URLAllowlist').some((filter) => filterAllows(filter, options.appUrl))) {
    warnings.push(`the Chromium policy in ${options.policyDir} blocks every URL but allows none that matches ${new URL(options.appUrl).origin}: the rating screen will not load (${DOC})`);
  }
  const launchFileUrl = options.launchFileUrl;
  if (launchFileUrl && list('URLBlocklist').includes('*') && !list('URLAllowlist').some((filter) => filterAllows(filter, launchFileUrl))) {
    warnings.push(`the Chromium policy in ${options.policyDir} blocks the launch file: add "${launchFileUrl}" to URLAllowlist, or the kiosk cannot open the rating screen (${DOC})`);
  }
  return warnings;
}

/**
 * Whether a URLAllowlist filter (`[scheme://][.]host[:port][/path]`) covers the rating screen's
 * address. Enough of the filter format for the entries a kiosk needs; anything fancier counts as no.
 */
export function filterAllows(filter: string, url: string): boolean {
  if (/^file:\/\//i.test(filter.trim())) {
    const target = new URL(url);
    const filterPath = filter.trim().slice('file://'.length);
    return target.protocol === 'file:' && filterPath.startsWith('/') && (target.pathname === filterPath || target.pathname.startsWith(filterPath.endsWith('/') ? filterPath : `${filterPath}/`));
  }
  const match = /^(?:([a-z][a-z0-9+.-]*):\/\/)?\.?([^/:?@]+)(?::(\d+))?(\/[^?@]*)?$/i.exec(filter.trim());
  if (!match) return false;
  const [, scheme, host, port, filterPath] = match;
  const target = new URL(url);
  if (scheme && `${scheme.toLowerCase()}:` !== target.protocol) return false;
  if (host !== '*' && host?.toLowerCase() !== target.hostname) return false;
  const targetPort = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (port && port !== targetPort) return false;
  return !filterPath || filterPath === '/' || target.pathname.startsWith(filterPath);
}
