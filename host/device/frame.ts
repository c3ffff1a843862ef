/**
 * The open serial frame protocol for rating devices (docs/serial-protocol.md):
 *
 *   0x55 0xAA | version | type | seq | length | payload (length bytes) | CRC-16/CCITT-FALSE (big-endian)
 *
 * The CRC covers version … payload. Both sides acknowledge every frame except ACK/NAK by seq.
 */
export const SYNC_1 = 0x55;
export const SYNC_2 = 0xaa;
export const PROTOCOL_VERSION = 1;
export const MAX_PAYLOAD = 64;
export const HEADER_BYTES = 6;
export const FRAME_OVERHEAD = HEADER_BYTES + 2;

export const FrameType = {
  // device → host
  PRESS: 0x01,
  HEARTBEAT: 0x02,
  INFO: 0x03,
  SELF_TEST_RESULT: 0x04,
  /** Sent once after every power-up or reset: a new session id, so the host forgets the old session's press seqs. */
  BOOT: 0x05,
  // either way
  ACK: 0x06,
  NAK: 0x15,
  // host → device
  PROMPT: 0x81,
  THANKS: 0x82,
  IDLE: 0x83,
  SELF_TEST: 0x84,
  INFO_REQUEST: 0x85,
} as const;
/** NAK reasons (the second payload byte of a NAK). */
export const NakReason = {
  /** A PRESS the host did not take: no rating page is connected. Do not resend it. */
  NOT_TAKEN: 0x01,
  /** The frame could not be handled now; resend it. */
  BUSY: 0x02,
} as const;

export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

export interface Frame {
  type: number;
  seq: number;
  payload: Uint8Array;
}

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= (bytes[i] as number) << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function encodeFrame({ type, seq, payload }: Frame): Buffer {
  if (payload.length > MAX_PAYLOAD) throw new Error(`payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD}`);
  const frame = Buffer.alloc(FRAME_OVERHEAD + payload.length);
  frame[0] = SYNC_1;
  frame[1] = SYNC_2;
  frame[2] = PROTOCOL_VERSION;
  frame[3] = type & 0xff;
  frame[4] = seq & 0xff;
  frame[5] = payload.length;
  frame.set(payload, HEADER_BYTES);
  frame.writeUInt16BE(crc16(frame, 2, HEADER_BYTES + payload.length), HEADER_BYTES + payload.length);
  return frame;
}

export interface ParserCounters {
  frames: number;
  checksumErrors: number;
  /** Bytes thrown away while looking for the next frame start. */
  discardedBytes: number;
  unsupportedVersion: number;
  /** Headers that promised a frame which never came: a whole frame found after them, or the line went quiet. */
  falseStarts: number;
}

/** A partial frame older than this with no byte since is given up (a frame is sent in one go). */
export const INTER_BYTE_TIMEOUT_MS = 50;

/**
 * Streaming frame parser. Survives anything on the line: garbage is skipped up to the next
 * sync pattern, a bad checksum drops only the first sync byte (a real frame may start inside
 * the bad one), and a partial frame waits for the rest — but not behind a false header: when a
 * whole valid frame has arrived after it (look-ahead), or no byte came for the inter-byte
 * timeout (expire), the false start is dropped and the real frame is read.
 */
export class FrameParser {
  private buffer = Buffer.alloc(0);
  private lastByteAt = 0;
  readonly counters: ParserCounters = { frames: 0, checksumErrors: 0, discardedBytes: 0, unsupportedVersion: 0, falseStarts: 0 };

  constructor(private readonly interByteTimeoutMs = INTER_BYTE_TIMEOUT_MS) {}

  /** Bytes held for a frame not yet complete. */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  /** `at`: when the bytes arrived (ms, any monotonic clock), for the inter-byte timeout. */
  push(chunk: Uint8Array, at = performance.now()): Frame[] {
    const stale = this.expired(at);
    this.lastByteAt = at;
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    return [...stale, ...this.parse()];
  }

  /** Gives up a partial frame that has waited past the inter-byte timeout; frames found behind it. */
  expire(at = performance.now()): Frame[] {
    return this.expired(at);
  }

  private expired(at: number): Frame[] {
    if (this.buffer.length === 0 || at - this.lastByteAt < this.interByteTimeoutMs) return [];
    this.counters.falseStarts++;
    this.drop(1);
    return this.parse();
  }

  private parse(): Frame[] {
    const frames: Frame[] = [];
    // Each round starts with the buffer trimmed to a possible frame start.
    while (this.trimToSync() && this.buffer.length >= HEADER_BYTES) {
      const length = this.buffer[5] as number;
      if (length > MAX_PAYLOAD) {
        this.drop(1);
        continue;
      }
      const total = FRAME_OVERHEAD + length;
      if (this.buffer.length < total) {
        // A partial frame waits for the rest, unless a whole valid frame already follows its header.
        const next = this.wholeFrameAfterStart();
        if (next === null) break;
        this.counters.falseStarts++;
        this.drop(next);
        continue;
      }
      if (crc16(this.buffer, 2, HEADER_BYTES + length) !== this.buffer.readUInt16BE(HEADER_BYTES + length)) {
        this.counters.checksumErrors++;
        this.drop(1);
        continue;
      }
      const version = this.buffer[2] as number;
      const frame: Frame = {
        type: this.buffer[3] as number,
        seq: this.buffer[4] as number,
        payload: Uint8Array.from(this.buffer.subarray(HEADER_BYTES, HEADER_BYTES + length)),
      };
      this.buffer = this.buffer.subarray(total);
      if (version !== PROTOCOL_VERSION) {
        this.counters.unsupportedVersion++;
        continue;
      }
      this.counters.frames++;
      frames.push(frame);
    }
    return frames;
  }

  /** Where the first complete frame with a good CRC starts after offset 0, or null. */
  private wholeFrameAfterStart(): number | null {
    for (let i = 1; i + FRAME_OVERHEAD <= this.buffer.length; i++) {
      if (this.buffer[i] !== SYNC_1 || this.buffer[i + 1] !== SYNC_2) continue;
      const length = this.buffer[i + 5] as number;
      if (length > MAX_PAYLOAD || i + FRAME_OVERHEAD + length > this.buffer.length) continue;
      if (crc16(this.buffer, i + 2, i + HEADER_BYTES + length) === this.buffer.readUInt16BE(i + HEADER_BYTES + length)) return i;
    }
    return null;
  }

  /** Discards bytes up to the next 0x55 0xAA (or a trailing 0x55); false when nothing is left. */
  private trimToSync(): boolean {
    for (let i = 0; i < this.buffer.length; i++) {
      if (this.buffer[i] !== SYNC_1) continue;
      if (i + 1 === this.buffer.length || this.buffer[i + 1] === SYNC_2) {
        this.drop(i);
        return true;
      }
    }
    this.drop(this.buffer.length);
    return false;
  }

  private drop(count: number): void {
    this.counters.discardedBytes += count;
    this.buffer = this.buffer.subarray(count);
  }
}
