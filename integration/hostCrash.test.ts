import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HostMessageSchema, type HostMessage } from '../contract/bridgeMessages';
import { freePort } from '../scripts/freePort';

const ROOT = path.resolve(import.meta.dirname, '..');
const TOKEN = `crash-test-token-${crypto.randomUUID()}`;

interface HostProcess {
  child: ChildProcess;
  origin: string;
  /** The one-time launch link a developer's (non-kiosk) run prints. */
  launchUrl: string;
  output: () => string;
}

/** The headless host as its own process (`host/main.ts`, API only), so it can be killed like a power cut. */
async function spawnHost(dataDir: string, port: number): Promise<HostProcess> {
  // One process (tsx as a loader, not its CLI, which would fork a child that SIGKILL misses).
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'host/main.ts', '--config', 'kiosk-config/demo-hall.json', '--device', 'demo-pad-a01', '--port', String(port), '--data', dataDir, '--static=', '--no-open'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CASE_EVENT_TOKEN: TOKEN, DISPLAY: '', WAYLAND_DISPLAY: '' } },
  );
  let output = '';
  const launchUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /one-time link:\s+(\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`host exited with ${code}:\n${output}`)));
  });
  return { child, origin: `http://127.0.0.1:${port}`, launchUrl, output: () => output };
}

async function kill(host: HostProcess): Promise<void> {
  const exited = new Promise((resolve) => host.child.once('exit', resolve));
  host.child.kill('SIGKILL');
  await exited;
}

const caseEvent = { eventId: 'BIZ-20261130-0001', event: 'closed', case: { projectNo: 'P20261130CRASH', taskCode: 'T001', taskName: '企业设立登记', deptName: '市场监督管理局' }, staff: { loginName: 'zhangsan', name: '张三' } };

function postCaseEvent(origin: string): Promise<Response> {
  return fetch(`${origin}/api/case-events`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(caseEvent) });
}

/** Connects to the bridge as the rating page does, collecting what the host sends. */
async function connectAsPage(host: HostProcess): Promise<{ ws: WebSocket; messages: HostMessage[] }> {
  // The launch link gives this "browser" its session cookie and the page its bridge token.
  const launch = await fetch(host.launchUrl, { redirect: 'manual' });
  const cookie = (launch.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const token = /#token=(.+)$/.exec(launch.headers.get('location') ?? '')?.[1] ?? '';
  const ws = new WebSocket(`${host.origin.replace('http://', 'ws://')}/bridge?token=${token}`, { origin: host.origin, headers: { cookie } });
  const messages: HostMessage[] = [];
  ws.on('message', (data) => messages.push(HostMessageSchema.parse(JSON.parse(String(data)))));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  // The greeting (hello, then every pending invitation) is sent at once on connect.
  await waitFor(() => messages.some((m) => m.type === 'hello'));
  await new Promise((r) => setTimeout(r, 150));
  return { ws, messages };
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

const unacked = async (host: HostProcess) => ((await (await fetch(`${host.origin}/api/health`)).json()) as { unacked: number }).unacked;

const invitationIds = (messages: HostMessage[]) => messages.flatMap((m) => (m.type === 'invitation' ? [m.invitation.id] : []));

describe('host SIGKILLed right after answering 202 queued', () => {
  it('hands the invitation to the page after a restart, answers the resend as a duplicate, and remembers the ack', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'host-crash-'));
    const port = await freePort();

    // 1. Accepted, then the power goes before any rating screen took it.
    let host = await spawnHost(dataDir, port);
    const accepted = await postCaseEvent(host.origin);
    expect(accepted.status).toBe(202);
    const { status, invitationId } = (await accepted.json()) as { status: string; invitationId: string };
    expect(status).toBe('queued');
    await kill(host);

    // 2. Restarted on the same data directory: the page gets the invitation, the resend is the same one.
    host = await spawnHost(dataDir, port);
    try {
      expect(host.output()).toContain('1 invitation(s) from before the restart wait for the rating screen');
      const page = await connectAsPage(host);
      expect(invitationIds(page.messages)).toEqual([invitationId]);
      const invitation = page.messages.find((m) => m.type === 'invitation');
      expect(invitation).toMatchObject({ invitation: { id: invitationId, event: 'closed', case: { projectNo: 'P20261130CRASH' }, staff: { name: '张三' } } });

      const resend = await postCaseEvent(host.origin);
      expect([resend.status, await resend.json()]).toEqual([200, { status: 'duplicate', invitationId }]);

      // 3. The page stores it and acknowledges; the host dies again right after.
      page.ws.send(JSON.stringify({ type: 'ack', invitationId }));
      for (let i = 0; i < 100 && (await unacked(host)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await unacked(host)).toBe(0);
      page.ws.close();
    } finally {
      await kill(host);
    }
    // …and the journal's last write was cut short by the power cut.
    const journal = path.join(dataDir, 'invitations-demo-pad-a01.jsonl');
    expect(readFileSync(journal, 'utf8')).toContain('"op":"acked"');
    appendFileSync(journal, '{"op":"queued","key":"id:BIZ-TORN","invitation":{"id":"0196');

    // 4. The acknowledged invitation is not handed again; the resend is still a duplicate; the torn line harms nothing.
    host = await spawnHost(dataDir, port);
    try {
      expect(host.output()).toContain('invitation journal: ignored a torn last line');
      const page = await connectAsPage(host);
      expect(invitationIds(page.messages)).toEqual([]);
      page.ws.close();
      const resend = await postCaseEvent(host.origin);
      expect([resend.status, await resend.json()]).toEqual([200, { status: 'duplicate', invitationId }]);
      expect(host.output()).not.toMatch(/张三|P20261130CRASH/);
    } finally {
      await kill(host);
    }
  });
});
