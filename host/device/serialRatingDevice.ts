import { SerialPort } from 'serialport';
import type { Level } from '../../contract/ratingCodes';
import { encodeFrame, FrameParser, FrameType, INTER_BYTE_TIMEOUT_MS, NakReason, type Frame } from './frame';
import type { DeviceCommand, DevicePress, DeviceStatus, PressAnswer, RatingDevice } from './ratingDevice';

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
  /** A decoded press (not a resend): 'ack' when the host took it (delivered or counted), 'nak' when nobody could. */
  onPress: (press: DevicePress) => PressAnswer | void;
  onStatus?: (status: DeviceStatus) => void;
  heartbeatTimeoutMs?: number;
  ackTimeoutMs?: number;
  maxResends?: number;
  /** Backoff between reconnects; it starts again from baseMs only after a link stayed up stableMs. */
  reconnect?: { baseMs: number; maxMs: number; stableMs?: number };
  interByteTimeoutMs?: number;
  /** How long a press seq counts as already seen (a resend), within one device session. */
  duplicateWindowMs?: number;
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
const FRAME_NAME: Record<number, string> = {
  [FrameType.PROMPT]: 'PROMPT',
  [FrameType.THANKS]: 'THANKS',
  [FrameType.IDLE]: 'IDLE',
  [FrameType.SELF_TEST]: 'SELF_TEST',
  [FrameType.INFO_REQUEST]: 'INFO_REQUEST',
};

interface Outgoing {
  type: number;
  frame: Buffer;
  tries: number;
  timer: ReturnType<typeof setTimeout>;
  /** The screen state (prompt/thanks/idle): only the newest is ever in flight. */
  isState: boolean;
}

/**
 * Driver for rating devices speaking the open serial protocol (docs/serial-protocol.md):
 * decodes presses and answers them as the host decides (ACK taken, NAK refused), drops resent
 * duplicates within a device session (a BOOT frame or a reconnect starts a new one), marks the
 * device offline when heartbeats stop, keeps the screen state as one latest-state channel that
 * is resent on NAK or silence and again after every reconnect and reboot, and reconnects with a
 * backoff that resets only once a link has stayed up — finding the device again by vendor/product
 * id when no fixed port is configured.
 */
export function createSerialRatingDevice(options: SerialRatingDeviceOptions): RatingDevice {
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 3000;
  const ackTimeoutMs = options.ackTimeoutMs ?? 200;
  const maxResends = options.maxResends ?? 3;
  const reconnect = { stableMs: 10_000, ...(options.reconnect ?? { baseMs: 250, maxMs: 5000 }) };
  const interByteTimeoutMs = options.interByteTimeoutMs ?? INTER_BYTE_TIMEOUT_MS;
  const duplicateWindowMs = options.duplicateWindowMs ?? 5000;
  const openPort: (path: string, baudRate: number) => PortLike =
    options.openPort ?? ((path, baudRate) => new SerialPort({ path, baudRate, autoOpen: false }) as unknown as PortLike);
  const listPorts = options.listPorts ?? (() => SerialPort.list());

  let port: PortLike | null = null;
  let parser = new FrameParser(interByteTimeoutMs);
  let expireTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = true;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let stableTimer: ReturnType<typeof setTimeout> | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let lastHeardAt = 0;
  let nextSeq = 1;
  const pending = new Map<number, Outgoing>();
  /** The screen state the device should show; re-sent after every reconnect and reboot. */
  let screenState: DeviceCommand | null = null;
  /** Press seqs seen in this device session, with the answer given: a resend gets the same answer, never a second press. */
  const recentPresses = new Map<number, { at: number; answer: PressAnswer }>();
  let session: number | null = null;
  const counterBase = { missedHeartbeats: 0, presses: 0, unmappedValues: 0, duplicatePresses: 0, resends: 0, reconnects: 0, commandFailures: 0, deviceReboots: 0, refusedPresses: 0 };
  let parserTotals = { frames: 0, checksumErrors: 0, discardedBytes: 0, falseStarts: 0 };
  /** When the last press was taken (the device heartbeat reports it); null before the first. */
  let lastPressAtMs: number | null = null;
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
        falseStarts: parserTotals.falseStarts + c.falseStarts,
        ...(lastPressAtMs !== null ? { lastPressAtMs: Math.round(lastPressAtMs) } : {}),
      },
    };
  }

  /** Reports a status only when something the admin panel shows changed (not on every frame). */
  function update(patch: Partial<typeof state>): void {
    const changed = Object.entries(patch).some(([k, v]) => JSON.stringify(state[k as keyof typeof state]) !== JSON.stringify(v));
    state = { ...state, ...patch };
    if (changed) options.onStatus?.(status());
  }

  function write(frame: Buffer): void {
    if (port?.isOpen) port.write(frame);
  }

  function send(type: number, isState = false): void {
    if (isState) {
      // One latest-state channel: the state not yet acknowledged is replaced, never resent after a newer one.
      for (const [seq, entry] of pending) {
        if (!entry.isState) continue;
        clearTimeout(entry.timer);
        pending.delete(seq);
      }
    }
    const seq = nextSeq;
    nextSeq = (nextSeq % 255) + 1;
    const frame = encodeFrame({ type, seq, payload: new Uint8Array(0) });
    clearTimeout(pending.get(seq)?.timer);
    pending.set(seq, { type, frame, tries: 0, isState, timer: setTimeout(() => resend(seq), ackTimeoutMs) });
    write(frame);
  }

  function resend(seq: number): void {
    const entry = pending.get(seq);
    if (!entry) return;
    clearTimeout(entry.timer);
    if (entry.tries >= maxResends) {
      pending.delete(seq);
      counterBase.commandFailures++;
      update({ lastError: `the device did not take ${FRAME_NAME[entry.type] ?? entry.type} after ${entry.tries + 1} tries` });
      return;
    }
    entry.tries++;
    counterBase.resends++;
    write(entry.frame);
    entry.timer = setTimeout(() => resend(seq), ackTimeoutMs);
  }

  function resendScreenState(): void {
    if (screenState) send(COMMAND_FRAME[screenState], true);
  }

  /** A new device session (reboot, or a new connection): earlier press seqs mean nothing any more. */
  function newSession(): void {
    recentPresses.clear();
  }

  function handlePress(frame: Frame, at: number): void {
    for (const [seq, seen] of recentPresses) if (at - seen.at > duplicateWindowMs) recentPresses.delete(seq);
    const seen = recentPresses.get(frame.seq);
    if (seen) {
      counterBase.duplicatePresses++;
      answer(frame.seq, seen.answer);
      return;
    }
    const value = frame.payload[0];
    const level = value === undefined ? undefined : options.valueMap[value];
    let reply: PressAnswer = 'ack';
    if (level === undefined) counterBase.unmappedValues++;
    else {
      const durationMs = ((frame.payload[1] ?? 0) << 8) | (frame.payload[2] ?? 0);
      reply = options.onPress({ level, durationMs, receivedAtMs: at }) ?? 'ack';
      if (reply === 'ack') {
        counterBase.presses++;
        lastPressAtMs = at;
      }
      else counterBase.refusedPresses++;
    }
    recentPresses.set(frame.seq, { at, answer: reply });
    answer(frame.seq, reply);
  }

  function answer(seq: number, reply: PressAnswer): void {
    write(
      reply === 'ack'
        ? encodeFrame({ type: FrameType.ACK, seq: 0, payload: Uint8Array.of(seq) })
        : encodeFrame({ type: FrameType.NAK, seq: 0, payload: Uint8Array.of(seq, NakReason.NOT_TAKEN) }),
    );
  }

  function handle(frame: Frame, at: number): void {
    lastHeardAt = at;
    if (!state.online) update({ online: true });
    if (frame.type === FrameType.ACK || frame.type === FrameType.NAK) {
      const seq = frame.payload[0];
      const entry = seq === undefined ? undefined : pending.get(seq);
      if (!entry || seq === undefined) return;
      if (frame.type === FrameType.ACK) {
        clearTimeout(entry.timer);
        pending.delete(seq);
      } else {
        resend(seq); // the device refused it: send again now, up to the same limit
      }
      return;
    }
    if (frame.type === FrameType.PRESS) return handlePress(frame, at);
    write(encodeFrame({ type: FrameType.ACK, seq: 0, payload: Uint8Array.of(frame.seq) }));
    switch (frame.type) {
      case FrameType.BOOT: {
        if (frame.payload.length < 4) return;
        const id = Buffer.from(frame.payload).readUInt32BE(0);
        if (id === session) return; // a resent BOOT of the session we know
        if (session !== null) counterBase.deviceReboots++;
        session = id;
        newSession();
        // A device that restarted shows nothing: tell it what the screen shows, and ask who it is.
        send(FrameType.INFO_REQUEST);
        resendScreenState();
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
    clearTimeout(stableTimer);
    const delay = Math.min(reconnect.maxMs, reconnect.baseMs * 2 ** attempt++);
    update({ connected: false, online: false, lastError: reason });
    reconnectTimer = setTimeout(() => void connect(), delay);
  }

  function onData(data: Buffer): void {
    const at = now();
    clearTimeout(expireTimer);
    for (const frame of parser.push(data, at)) handle(frame, at);
    // A partial frame left waiting: if no byte follows, give it up so the next frame is not held.
    if (parser.pendingBytes > 0) {
      expireTimer = setTimeout(() => {
        const later = now();
        for (const frame of parser.expire(later)) handle(frame, later);
      }, interByteTimeoutMs + 1);
    }
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
      // The backoff starts over only once this link has stayed up: a board that resets whenever
      // the port opens (DTR) must not be reopened at the base rate for ever.
      clearTimeout(stableTimer);
      stableTimer = setTimeout(() => (attempt = 0), reconnect.stableMs);
      port = candidate;
      // Counters survive reconnects; the parser's half-read bytes do not.
      const c = parser.counters;
      parserTotals = {
        frames: parserTotals.frames + c.frames,
        checksumErrors: parserTotals.checksumErrors + c.checksumErrors,
        discardedBytes: parserTotals.discardedBytes + c.discardedBytes,
        falseStarts: parserTotals.falseStarts + c.falseStarts,
      };
      parser = new FrameParser(interByteTimeoutMs);
      // A replug is usually a power cycle: a new session until a BOOT frame says otherwise.
      newSession();
      for (const entry of pending.values()) clearTimeout(entry.timer);
      pending.clear();
      lastHeardAt = now();
      update({ connected: true, path, lastError: null });
      send(FrameType.INFO_REQUEST);
      resendScreenState();
    });
    candidate.on('data', onData);
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
        if (state.online && now() - lastHeardAt > heartbeatTimeoutMs) {
          // Its heartbeats stopped: counted, so the device heartbeat shows a flaky link too.
          counterBase.missedHeartbeats++;
          update({ online: false });
        }
      }, Math.min(500, heartbeatTimeoutMs / 2));
      void connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearTimeout(stableTimer);
      clearTimeout(expireTimer);
      clearInterval(watchdog);
      for (const entry of pending.values()) clearTimeout(entry.timer);
      pending.clear();
      const open = port;
      port = null;
      if (open?.isOpen) await new Promise<void>((resolve) => open.close(() => resolve()));
      update({ connected: false, online: false });
    },
    command(kind) {
      if (kind === 'selfTest') return send(COMMAND_FRAME[kind]);
      screenState = kind;
      send(COMMAND_FRAME[kind], true);
    },
    status,
  };
}
