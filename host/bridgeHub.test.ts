import { describe, expect, it } from 'vitest';
import type { HostMessage } from '../contract/bridgeMessages';
import { deviceContextFor, HallConfigSchema } from '../contract/hallConfig';
import type { PinAttempt } from '../shared-node/adminPin';
import { ADMIN_UNLOCK_MS, createBridgeHub, type AdminAction } from './bridgeHub';
import { InvitationQueue } from './invitationQueue';

const hall = HallConfigSchema.parse({
  hall: { code: 'h', name: '大厅', regionCode: '340104' },
  windows: [{ no: 'A01', name: '一号窗口', ratingUrl: 'https://example.gov.cn/r' }],
  devices: [{ id: 'dev-1', windowNo: 'A01', kind: 'pad', caseEventToken: 'token-token-token-1' }],
});

describe('admin actions over the bridge', () => {
  it('are honoured only on a connection that gave the right PIN, and only for a while', () => {
    let clock = 0;
    const actions: AdminAction[] = [];
    const hub = createBridgeHub({
      queue: new InvitationQueue(),
      context: () => deviceContextFor(hall, 'dev-1'),
      log: () => undefined,
      // The PIN check itself (scrypt, persisted lockout) is host/adminPinGate.ts's, tested there.
      attemptPin: (pin): PinAttempt => (pin === '2468' ? { ok: true } : { ok: false, reason: 'wrong', retryAfterMs: 0, failures: 1 }),
      onAdminAction: (a) => actions.push(a),
      now: () => clock,
    });
    const toA: HostMessage[] = [];
    const a = hub.connect((m) => toA.push(m));
    const b = hub.connect(() => undefined);

    a.receive({ type: 'adminAction', action: 'exitKiosk' });
    a.receive({ type: 'adminUnlock', pin: '1357' });
    a.receive({ type: 'adminAction', action: 'exitKiosk' });
    expect(actions).toEqual([]);
    expect(toA.filter((m) => m.type === 'adminUnlock')).toEqual([{ type: 'adminUnlock', ok: false, reason: 'wrong', retryAfterMs: 0 }]);

    a.receive({ type: 'adminUnlock', pin: '2468' });
    b.receive({ type: 'adminAction', action: 'exitKiosk' }); // another connection is not unlocked
    a.receive({ type: 'adminAction', action: 'deviceSelfTest' });
    expect(actions).toEqual(['deviceSelfTest']);
    clock += ADMIN_UNLOCK_MS;
    a.receive({ type: 'adminAction', action: 'exitKiosk' });
    expect(actions).toEqual(['deviceSelfTest']);
  });

  it('says so when the hall has no admin PIN', () => {
    const hub = createBridgeHub({ queue: new InvitationQueue(), context: () => deviceContextFor(hall, 'dev-1'), log: () => undefined });
    const seen: HostMessage[] = [];
    hub.connect((m) => seen.push(m)).receive({ type: 'adminUnlock', pin: '2468' });
    expect(seen.at(-1)).toEqual({ type: 'adminUnlock', ok: false, reason: 'notConfigured', retryAfterMs: 0 });
  });
});
