import WebSocket from 'ws';
import { HostMessageSchema, type HostMessage } from '../contract/bridgeMessages';

/** For tests: opens a one-time launch link as the kiosk browser does, giving its session cookie and the bridge address with the page's token. */
export async function openLaunchLink(launchUrl: string): Promise<{ wsUrl: string; cookie: string }> {
  const response = await fetch(launchUrl, { redirect: 'manual' });
  if (response.status !== 303) throw new Error(`launch link answered ${response.status}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const token = /#token=(.+)$/.exec(response.headers.get('location') ?? '')?.[1] ?? '';
  return { wsUrl: `${new URL(launchUrl).origin.replace('http://', 'ws://')}/bridge?token=${token}`, cookie };
}

/** For tests: a bridge connection collecting what the host sends; rejects with "HTTP <status>" when refused. */
export function connectBridge(url: string, origin: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: HostMessage[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin, headers });
    const messages: HostMessage[] = [];
    ws.on('message', (data) => messages.push(HostMessageSchema.parse(JSON.parse(String(data)))));
    ws.on('open', () => resolve({ ws, messages }));
    ws.on('unexpected-response', (req, res) => {
      req.destroy();
      reject(new Error(`HTTP ${res.statusCode}`));
    });
    ws.on('error', reject);
  });
}
