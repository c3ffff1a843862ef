import { randomBytes } from 'node:crypto';
import { SerialPort } from 'serialport';
import { encodeFrame, FrameParser, FrameType, type Frame } from '../host/device/frame';

export interface DeviceSimulator {
  /** Presses a button with this raw value; resends once if the host neither acknowledges nor refuses it. */
  press(value: number, durationMs?: number): number;
  /** Restarts the firmware: seqs start again from 1, and a BOOT frame with a new session id goes out. */
  reboot(): void;
  /** Puts raw bytes on the line (noise, partial frames). */
  sendRaw(bytes: Uint8Array): void;
  /** Frames received from the host (commands and acknowledgements). */
  received: Frame[];
  setAcknowledging(on: boolean): void;
  /** How the device answers host commands (PROMPT, THANKS, …): ACK (default), NAK, or not at all. */
  setCommandAnswer(answer: 'ack' | 'nak' | 'none'): void;
  /** Presses the host refused with a NAK (by seq). */
  refused: number[];
  close(): Promise<void>;
}

/**
 * A rating device that speaks the open serial protocol, for demos, tests and benchmarks:
 * heartbeats, device info on request, acknowledgements, and presses on demand.
 */
export async function startDeviceSimulator(options: { path: string; baudRate?: number; heartbeatMs?: number; boot?: boolean }): Promise<DeviceSimulator> {
  const port = new SerialPort({ path: options.path, baudRate: options.baudRate ?? 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const parser = new FrameParser();
  const received: Frame[] = [];
  const unacked = new Map<number, ReturnType<typeof setTimeout>>();
  let acknowledging = true;
  let commandAnswer: 'ack' | 'nak' | 'none' = 'ack';
  const refused: number[] = [];
  let seq = 0;
  const next = () => (seq = (seq % 255) + 1);
  const write = (frame: Buffer) => {
    if (port.isOpen) port.write(frame);
  };

  port.on('data', (data: Buffer) => {
    for (const frame of parser.push(data)) {
      received.push(frame);
      if (frame.type === FrameType.ACK || frame.type === FrameType.NAK) {
        const answered = frame.payload[0];
        if (answered !== undefined) {
          clearTimeout(unacked.get(answered));
          unacked.delete(answered);
          if (frame.type === FrameType.NAK) refused.push(answered);
        }
        continue;
      }
      const isCommand = frame.type >= 0x81 && frame.type <= 0x84;
      const answer = isCommand ? commandAnswer : 'ack';
      if (acknowledging && answer !== 'none') write(encodeFrame({ type: answer === 'ack' ? FrameType.ACK : FrameType.NAK, seq: 0, payload: answer === 'ack' ? Uint8Array.of(frame.seq) : Uint8Array.of(frame.seq, 0x02) }));
      if (frame.type === FrameType.INFO_REQUEST) {
        write(encodeFrame({ type: FrameType.INFO, seq: next(), payload: Buffer.from('HCP-SIM-5\0' + '1.0.0\0' + 'SIM0001', 'latin1') }));
      }
    }
  });
  port.on('error', () => undefined);

  const boot = () => write(encodeFrame({ type: FrameType.BOOT, seq: next(), payload: randomBytes(4) }));
  if (options.boot ?? true) boot();
  const heartbeat = setInterval(() => write(encodeFrame({ type: FrameType.HEARTBEAT, seq: next(), payload: Uint8Array.of(0) })), options.heartbeatMs ?? 1000);

  return {
    press(value, durationMs = 150) {
      const pressSeq = next();
      const frame = encodeFrame({ type: FrameType.PRESS, seq: pressSeq, payload: Uint8Array.of(value, durationMs >> 8, durationMs & 0xff) });
      write(frame);
      unacked.set(pressSeq, setTimeout(() => write(frame), 200));
      return pressSeq;
    },
    reboot() {
      unacked.forEach((timer) => clearTimeout(timer));
      unacked.clear();
      seq = 0;
      boot();
    },
    sendRaw: (bytes) => {
      if (port.isOpen) port.write(Buffer.from(bytes));
    },
    received,
    setAcknowledging(on) {
      acknowledging = on;
    },
    setCommandAnswer(answer) {
      commandAnswer = answer;
    },
    refused,
    async close() {
      clearInterval(heartbeat);
      unacked.forEach((timer) => clearTimeout(timer));
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}

const HELP = `Usage: npm run device-sim -- <serial port or pty path>

A serial rating device (the frame protocol of docs/serial-protocol.md) on a port or pseudo-terminal,
for trying a host without the hardware: type a button value (1–5) and Enter to press it.

Options:
  -h, --help   this text`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { parseCommandLine } = await import('../shared-node/commandLine');
  const { positionals } = parseCommandLine(HELP, { options: {}, allowPositionals: true });
  const [path, ...extra] = positionals;
  if (!path || extra.length > 0) {
    console.error(`${path ? `unexpected ${extra.join(' ')}` : 'which serial port or pty?'}\n\n${HELP}`);
    process.exit(2);
  }
  const sim = await startDeviceSimulator({ path });
  console.log(`device simulator on ${path}: type a button value (1–5) and Enter`);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (line: string) => {
    const value = Number(line.trim());
    if (Number.isInteger(value) && value >= 0 && value <= 255) console.log(`pressed ${value} (seq ${sim.press(value)})`);
  });
}
