import { HostMessageSchema, type DeviceStatusMessage, type RendererMessage } from '../../contract/bridgeMessages';
import type { Level } from '../../contract/ratingCodes';
import type { DeviceContext } from '../../contract/hallConfig';
import type { Invitation } from '../../contract/invitation';
import type { StaffSession } from '../../contract/staffSession';

/** What the renderer hears from its host, whichever transport carries it. */
export interface BridgeListener {
  onContext(context: DeviceContext, hostTimeMs: number): void;
  onInvitation(invitation: Invitation): void;
  onConnectionChange(connected: boolean): void;
  /** A physical device press, forwarded by the host only while a rating screen shows. */
  onDevicePress(level: Level, method: 'serial' | 'hid'): void;
  onDeviceStatus(status: DeviceStatusMessage): void;
  /** The host's answer to an admin PIN. */
  onAdminUnlock(result: { ok: boolean; reason?: 'wrong' | 'locked' | 'notConfigured'; retryAfterMs: number }): void;
  /** The window business system signed a staff member in (session) or out (null) at atMs. */
  onStaffSession?(session: StaffSession | null, atMs: number): void;
  /** A message that failed validation: reported, never acted on. */
  onProtocolError(error: string): void;
}

/**
 * The one interface between renderer and host. Transports (WebSocket to the headless host,
 * Electron preload IPC, none for a standalone tablet) only move messages; the meaning of a
 * message is decided once, in handleHostMessage.
 */
export interface Bridge {
  readonly transport: 'websocket' | 'ipc' | 'none';
  start(listener: BridgeListener): void;
  send(message: RendererMessage): void;
  stop(): void;
}

export function handleHostMessage(raw: unknown, listener: BridgeListener): void {
  const parsed = HostMessageSchema.safeParse(raw);
  if (!parsed.success) {
    listener.onProtocolError(parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; '));
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'hello':
      listener.onContext(message.context, message.hostTimeMs);
      break;
    case 'invitation':
      listener.onInvitation(message.invitation);
      break;
    case 'devicePress':
      listener.onDevicePress(message.level, message.method);
      break;
    case 'deviceStatus':
      listener.onDeviceStatus(message.status);
      break;
    case 'staffSession':
      listener.onStaffSession?.(message.session, message.atMs);
      break;
    case 'adminUnlock': {
      const { type: _type, ...result } = message;
      listener.onAdminUnlock(result);
      break;
    }
  }
}
