import { SerialPort } from 'serialport';
import type { Level } from '../../contract/ratingCodes';
import { encodeFrame, FrameParser, FrameType, type Frame } from './frame';
import type { DeviceCommand, DevicePress, DeviceStatus, RatingDevice } from './ratingDevice';

/** The slice of a serial port the driver uses: real serialport, or a test double. */
export interface PortLike {
  open(callback: (error: Error | null) => void): void;
  write(data: Buffer): unknown;
  close(callback?: (error: Error | null) => void): void;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'close' | 'error', listener: (error?: Error | null) => void): unknown;
  readonly isOpen: boolean;
}

export interface PortInfoLike {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

export interface SerialRatingDeviceOptions {
  /** A fixed port, or find one by USB vendor/product id. */
  path?: string;
  vendorId?: string;
  productId?: string;
  baudRate: number;
  valueMap: Record<number, Level>;
  onPress: (press: DevicePress) => void;
  onStatus?: (status: DeviceStatus) => void;
  heartbeatTimeoutMs?: number;
  ackTimeoutMs?: number;
  maxResends?: number;
  reconnect?: { baseMs: number; maxMs: number };
  now?: () => number;
  openPort?: (path: string, baudRate: number) => PortLike;
  listPorts?: () => Promise<PortInfoLike[]>;
}

const COMMAND_FRAME: Record<DeviceCommand, number> = {
  prompt: FrameType.PROMPT,
  thanks: FrameType.THANKS,
  idle: FrameType.IDLE,
  selfTest: FrameType.SELF_TEST,
};

/**
 * Driver for rating devices speaking the open serial protocol (docs/serial-protocol.md):
 * decodes presses and acknowledges them, drops resent duplicates, marks the device offline
 * when heartbeats stop, resends unacknowledged commands, and reconnects with backoff after an
 * unplug — finding the device again by vendor/product id when no fixed port is configured.
 */
export function createSerialRatingDevice(options: SerialRatingDeviceOptions): RatingDevice {
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 3000;
  const ackTimeoutMs = options.ackTimeoutMs ?? 200;
  const maxResends = options.maxResends ?? 3;
  const reconnect = options.reconnect ?? { baseMs: 250, maxMs: 5000 };
  const openPort: (path: string, baudRate: number) => PortLike =
    options.openPort ?? ((path, baudRate) => new SerialPort({ path, baudRate, autoOpen: false }) as unknown as PortLike);
  const listPorts = options.listPorts ?? (() => SerialPort.list());

  let port: PortLike | null = null;
  let parser = new FrameParser();
  let stopped = true;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let lastHeardAt = 0;
  let nextSeq = 1;
  const pending = new Map<number, { frame: Buffer; tries: number; timer: ReturnType<typeof setTimeout> }>();
  /** Press seqs seen recently: a resend of an unacknowledged press is not a second press. */
  const recentPresses = new Map<number, number>();
  const counterBase = { presses: 0, unmappedValues: 0, duplicatePresses: 0, resends: 0, reconnects: 0 };
  let parserTotals = { frames: 0, checksumErrors: 0, discardedBytes: 0 };
  let state: Pick<DeviceStatus, 'connected' | 'online' | 'path' | 'info' | 'lastError'> = {
    connected: false,
    online: false,
    path: null,
    info: null,
    lastError: null,
  };

  function status(): DeviceStatus {
    const c = parser.counters;
    return {
      ...state,
      counters: {
        ...counterBase,
        frames: parserTotals.frames + c.frames,
        checksumErrors: parserTotals.checksumErrors + c.checksumErrors,
        discardedBytes: parserTotals.discardedBytes + c.discardedBytes,
      },
    };
  }

  function update(patch: Partial<typeof state>): void {
    const changed = Object.entries(patch).some(([k, v]) => state[k as keyof typeof state] !== v);
    state = { ...state, ...patch };
    if (changed) options.onStatus?.(status());
  }

  function write(frame: Buffer): void {
    if (port?.isOpen) port.write(frame);
  }

  function send(type: number, payload: Uint8Array = new Uint8Array(0)): void {
    const seq = nextSeq;
    nextSeq = (nextSeq % 255) + 1;
    const frame = encodeFrame({ type, seq, payload });
    const entry = { frame, tries: 0, timer: setTimeout(() => resend(seq), ackTimeoutMs) };
    clearTimeout(pending.get(seq)?.timer);
    pending.set(seq, entry);
    write(frame);
  }

  function resend(seq: number): void {
    const entry = pending.get(seq);
    if (!entry) return;
    if (entry.tries >= maxResends) {
      pending.delete(seq);
      return;
    }
    entry.tries++;
    counterBase.resends++;
    write(entry.frame);
    entry.timer = setTimeout(() => resend(seq), ackTimeoutMs);
  }

  function handle(frame: Frame, at: number): void {
    lastHeardAt = at;
    if (!state.online) update({ online: true });
    if (frame.type === FrameType.ACK) {
      const acked = frame.payload[0];
      const entry = acked === undefined ? undefined : pending.get(acked);
      if (entry && acked !== undefined) {
        clearTimeout(entry.timer);
        pending.delete(acked);
      }
      return;
    }
    if (frame.type === FrameType.NAK) return;
    write(encodeFrame({ type: FrameType.ACK, seq: 0, payload: Uint8Array.of(frame.seq) }));
    switch (frame.type) {
      case FrameType.PRESS: {
        for (const [seq, seenAt] of recentPresses) if (at - seenAt > 5000) recentPresses.delete(seq);
        if (recentPresses.has(frame.seq)) {
          counterBase.duplicatePresses++;
          return;
        }
        recentPresses.set(frame.seq, at);
        const value = frame.payload[0];
        const level = value === undefined ? undefined : options.valueMap[value];
        if (level === undefined) {
          counterBase.unmappedValues++;
          return;
        }
        counterBase.presses++;
        const durationMs = ((frame.payload[1] ?? 0) << 8) | (frame.payload[2] ?? 0);
        options.onPress({ level, durationMs, receivedAtMs: at });
        return;
      }
      case FrameType.INFO: {
        const [model = '', firmware = '', serial = ''] = Buffer.from(frame.payload).toString('latin1').split('\0');
        update({ info: { model, firmware, serial } });
        return;
      }
      default:
        return; // heartbeat and self-test results only prove the device is alive
    }
  }

  async function findPath(): Promise<string | null> {
    if (options.path) return options.path;
    const ports = await listPorts();
    const match = ports.find(
      (p) => p.vendorId?.toLowerCase() === options.vendorId?.toLowerCase() && p.productId?.toLowerCase() === options.productId?.toLowerCase(),
    );
    return match?.path ?? null;
  }

  function scheduleReconnect(reason: string): void {
    if (stopped) return;
    clearTimeout(reconnectTimer);
    const delay = Math.min(reconnect.maxMs, reconnect.baseMs * 2 ** attempt++);
    update({ connected: false, online: false, lastError: reason });
    reconnectTimer = setTimeout(() => void connect(), delay);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    let path: string | null;
    try {
      path = await findPath();
    } catch (error) {
      return scheduleReconnect(`listing ports failed: ${String(error)}`);
    }
    if (!path) return scheduleReconnect('no matching device found');
    const candidate = openPort(path, options.baudRate);
    candidate.open((error) => {
      if (error) return scheduleReconnect(`open ${path}: ${error.message}`);
      if (stopped) return candidate.close();
      if (state.path !== null) counterBase.reconnects++;
      attempt = 0;
      port = candidate;
      // Counters survive reconnects; the parser's half-read bytes do not.
      const c = parser.counters;
      parserTotals = { frames: parserTotals.frames + c.frames, checksumErrors: parserTotals.checksumErrors + c.checksumErrors, discardedBytes: parserTotals.discardedBytes + c.discardedBytes };
      parser = new FrameParser();
      lastHeardAt = now();
      update({ connected: true, path, lastError: null });
      send(FrameType.INFO_REQUEST);
    });
    candidate.on('data', (data: Buffer) => {
      const at = now();
      for (const frame of parser.push(data)) handle(frame, at);
    });
    const lost = (error?: Error | null) => {
      if (port !== candidate) return;
      port = null;
      scheduleReconnect(error ? error.message : 'port closed');
    };
    candidate.on('close', lost);
    candidate.on('error', lost);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      watchdog = setInterval(() => {
        if (state.online && now() - lastHeardAt > heartbeatTimeoutMs) update({ online: false });
      }, Math.min(500, heartbeatTimeoutMs / 2));
      void connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearInterval(watchdog);
      for (const entry of pending.values()) clearTimeout(entry.timer);
      pending.clear();
      const open = port;
      port = null;
      if (open?.isOpen) await new Promise<void>((resolve) => open.close(() => resolve()));
      update({ connected: false, online: false });
    },
    command(kind) {
      send(COMMAND_FRAME[kind]);
    },
    status,
  };
}
