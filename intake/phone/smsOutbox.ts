import { appendFile, open } from 'node:fs/promises';

/** A text message the hall sends a citizen: their case-bound rating link. */
export interface SmsMessage {
  to: string;
  text: string;
  /** The link's id, so a gateway's receipt can be matched to it. */
  linkId: string;
  at: string;
}

/**
 * Where rating links go by text message. A province's or operator's SMS gateway implements this
 * behind the same call; the intake awaits it and reports a failure to the device, which may ask again.
 */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/**
 * The reference sender: one JSON line per message appended to a file only its owner can read
 * (the lines hold phone numbers), for a hall without a gateway and for tests.
 */
export function fileOutboxSender(file: string): SmsSender {
  return {
    async send(message) {
      // Created owner-only; an existing file keeps its mode, so it is set again on first use.
      const handle = await open(file, 'a', 0o600);
      try {
        await handle.chmod(0o600);
      } finally {
        await handle.close();
      }
      await appendFile(file, `${JSON.stringify(message)}\n`, { mode: 0o600 });
    },
  };
}

/** The message text: Chinese first, as the hall's other notices. */
export function smsText(url: string, taskName: string, expiresOn: string): string {
  return `【政务服务好差评】您办理的“${taskName}”请评价：${url} （${expiresOn}前有效，仅可评价一次）`;
}
