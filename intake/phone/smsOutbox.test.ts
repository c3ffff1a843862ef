import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileOutboxSender, smsText } from './smsOutbox';

describe('the file outbox sender', () => {
  it('appends one JSON line per message to an owner-only file', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sms-')), 'outbox.jsonl');
    const sender = fileOutboxSender(file);
    const text = smsText('https://hall.example.gov.cn/r/abc', '营业执照', '2026-12-08');
    await sender.send({ to: '13800138000', text, linkId: 'a'.repeat(22), at: '2026-12-01T10:00:00.000+08:00' });
    await sender.send({ to: '13900139000', text, linkId: 'b'.repeat(22), at: '2026-12-01T10:01:00.000+08:00' });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { to: string; text: string });
    expect(lines.map((l) => l.to)).toEqual(['13800138000', '13900139000']);
    expect(lines[0]!.text).toContain('https://hall.example.gov.cn/r/abc');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
