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
