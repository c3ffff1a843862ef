import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../scripts/seededRandom';
import { crc16, encodeFrame, FrameParser, FrameType, MAX_PAYLOAD } from './frame';

const press = (seq: number, button: number) => encodeFrame({ type: FrameType.PRESS, seq, payload: Uint8Array.of(button, 0, 120) });

describe('frame codec', () => {
  it('uses CRC-16/CCITT-FALSE (check value 0x29B1)', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x29b1);
  });

  it('round-trips frames, also when split into single bytes', () => {
    const bytes = Buffer.concat([press(1, 5), encodeFrame({ type: FrameType.HEARTBEAT, seq: 2, payload: Uint8Array.of(0) }), press(3, 1)]);
    const parser = new FrameParser();
    const frames = [...bytes].flatMap((b) => parser.push(Uint8Array.of(b)));
    expect(frames.map((f) => [f.type, f.seq, [...f.payload]])).toEqual([
      [FrameType.PRESS, 1, [5, 0, 120]],
      [FrameType.HEARTBEAT, 2, [0]],
      [FrameType.PRESS, 3, [1, 0, 120]],
    ]);
    expect(parser.counters).toMatchObject({ frames: 3, checksumErrors: 0, discardedBytes: 0 });
  });

  it('resynchronises after garbage, bad checksums and bogus lengths, counting each', () => {
    const corrupt = press(7, 4);
    corrupt[7] = (corrupt[7] as number) ^ 0xff;
    const bogusLength = Buffer.from([0x55, 0xaa, 1, 1, 9, MAX_PAYLOAD + 1]);
    const stream = Buffer.concat([Buffer.from('noise\x55\x00'), corrupt, bogusLength, press(8, 2), Buffer.from([0x55])]);
    const parser = new FrameParser();
    const frames = parser.push(stream);
    expect(frames.map((f) => f.seq)).toEqual([8]);
    expect(parser.counters.checksumErrors).toBe(1);
    expect(parser.counters.discardedBytes).toBeGreaterThan(0);
    // The trailing 0x55 may start a frame: it is kept until more bytes arrive.
    expect(parser.push(press(9, 3).subarray(1)).map((f) => f.seq)).toEqual([9]);
  });

  it('survives ~200,000 seeded random bytes and never yields a press that was not sent', () => {
    const random = seededRandom(2026);
    const parser = new FrameParser();
    const sent: number[] = [];
    const seen: number[] = [];
    let noiseBytes = 0;
    for (let chunk = 0; chunk < 2000; chunk++) {
      const noise = Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
      noiseBytes += noise.length;
      let bytes = noise;
      if (random() < 0.3) {
        sent.push(chunk);
        // The payload carries the chunk number, so every press seen can be traced to one sent.
        const frame = encodeFrame({ type: FrameType.PRESS, seq: chunk & 0xff, payload: Uint8Array.of(3, chunk >> 8, chunk & 0xff) });
        bytes = Buffer.concat([noise, frame]);
      }
      for (const frame of parser.push(bytes)) {
        if (frame.type === FrameType.PRESS) seen.push(((frame.payload[1] as number) << 8) | (frame.payload[2] as number));
      }
    }
    expect(noiseBytes).toBeGreaterThan(180_000);
    expect(seen.filter((id) => !sent.includes(id))).toEqual([]);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen); // in order, none twice
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(sent.length * 0.9);
    expect(parser.counters.discardedBytes).toBeGreaterThan(100_000);
  });

  it('refuses to encode an oversized payload', () => {
    expect(() => encodeFrame({ type: FrameType.INFO, seq: 1, payload: new Uint8Array(MAX_PAYLOAD + 1) })).toThrow();
  });
});

describe('a false header cannot hold a real frame', () => {
  // Six bytes of line noise that look like the header of a 64-byte frame (issue 19: they held a
  // real PRESS for 7 s, until 66 more bytes had come).
  const NOISE = Buffer.from([0x55, 0xaa, 0x01, 0x02, 0x07, 0x40]);

  it('reads a press that follows the noise at once (look-ahead), counting the false start', () => {
    const parser = new FrameParser();
    expect(parser.push(NOISE, 0)).toEqual([]);
    const frames = parser.push(press(9, 5), 1);
    expect(frames.map((f) => [f.type, f.seq, f.payload[0]])).toEqual([[FrameType.PRESS, 9, 5]]);
    expect(parser.counters).toMatchObject({ frames: 1, falseStarts: 1, discardedBytes: 6 });
    expect(parser.pendingBytes).toBe(0);
  });

  it('also when the noise and the press arrive byte by byte, and keeps reading what follows', () => {
    const parser = new FrameParser();
    const heartbeat = encodeFrame({ type: FrameType.HEARTBEAT, seq: 10, payload: Uint8Array.of(0) });
    const frames = [...Buffer.concat([NOISE, press(9, 3), heartbeat])].flatMap((b, i) => parser.push(Uint8Array.of(b), i * 0.1));
    expect(frames.map((f) => f.type)).toEqual([FrameType.PRESS, FrameType.HEARTBEAT]);
  });

  it('drops a partial frame after the inter-byte timeout, so the next frame is read on its own', () => {
    const parser = new FrameParser(50);
    parser.push(NOISE, 0);
    expect(parser.expire(20)).toEqual([]);
    expect(parser.pendingBytes).toBe(6);
    expect(parser.expire(60)).toEqual([]);
    expect(parser.pendingBytes).toBe(0);
    expect(parser.push(press(1, 2), 61).map((f) => f.payload[0])).toEqual([2]);
    // The same when the next bytes themselves come after the pause.
    parser.push(NOISE.subarray(0, 4), 100);
    expect(parser.push(press(2, 4), 200).map((f) => f.payload[0])).toEqual([4]);
    expect(parser.counters.falseStarts).toBe(2);
  });

  it('still waits for a real frame that is only partly here', () => {
    const parser = new FrameParser();
    const whole = press(3, 1);
    expect(parser.push(whole.subarray(0, 7), 0)).toEqual([]);
    expect(parser.push(whole.subarray(7), 10).map((f) => f.seq)).toEqual([3]);
    expect(parser.counters.falseStarts).toBe(0);
  });
});
