import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Invitation } from '../contract/invitation';
import { openInvitationJournal, parseJournal, type JournalRecord } from './invitationJournal';

// Spies on the real fs so the tests can see that every append is fsync'd before it returns.
// `failing` makes the named call fail once (after skipping some), as a full or broken disk would.
const calls: string[] = [];
let failing: { name: string; skip: number } | null = null;
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const spy =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      calls.push(name);
      if (failing?.name === name && failing.skip-- === 0) {
        failing = null;
        throw Object.assign(new Error(`${name} failed`), { code: 'EIO' });
      }
      return fn(...args);
    };
  return { ...fs, writeSync: spy('writeSync', fs.writeSync), fdatasyncSync: spy('fdatasyncSync', fs.fdatasyncSync), fsyncSync: spy('fsyncSync', fs.fsyncSync), renameSync: spy('renameSync', fs.renameSync) };
});

const invitation = (projectNo = 'P-1'): Invitation => ({
  id: uuidv7(),
  event: 'closed',
  case: { projectNo, taskCode: 'T1', taskName: '企业设立登记', deptName: '市场监督管理局' },
  staff: { loginName: 'zhangsan', name: '张三' },
  receivedAtMs: 1_780_000_000_000,
});
const queued = (inv: Invitation): JournalRecord => ({ op: 'queued', key: `case:closed:${inv.case.projectNo}`, invitation: inv });
const line = (record: JournalRecord) => `${JSON.stringify(record)}\n`;

let dir: string;
let file: string;
let logged: string[];
const open = () => openInvitationJournal(file, { log: (m) => logged.push(m) });
beforeEach(() => {
  failing = null;
  dir = mkdtempSync(path.join(tmpdir(), 'journal-'));
  file = path.join(dir, 'data', 'invitations-dev-1.jsonl');
  logged = [];
  calls.length = 0;
});

describe('parseJournal', () => {
  const a = invitation('P-A');
  const b = invitation('P-B');

  it('reads every record in order', () => {
    const text = line(queued(a)) + line(queued(b)) + line({ op: 'acked', id: a.id }) + line({ op: 'seen', key: 'id:E1', id: b.id });
    expect(parseJournal(text)).toEqual({ records: [queued(a), queued(b), { op: 'acked', id: a.id }, { op: 'seen', key: 'id:E1', id: b.id }], unreadable: 0, tornTail: false });
  });

  it('ignores a torn last line (a power cut mid-write) and keeps everything before it', () => {
    const whole = line(queued(a));
    const torn = line(queued(b)).slice(0, 40);
    expect(parseJournal(whole + torn)).toEqual({ records: [queued(a)], unreadable: 0, tornTail: true });
    // Zero-filled blocks are what some file systems leave after a power cut.
    expect(parseJournal(whole + '\0\0\0\0')).toMatchObject({ records: [queued(a)], tornTail: true });
  });

  it('keeps a last record that lost only its newline', () => {
    expect(parseJournal(line(queued(a)) + JSON.stringify(queued(b)))).toEqual({ records: [queued(a), queued(b)], unreadable: 0, tornTail: false });
  });

  it('skips and counts corrupt lines in the middle, and records that do not match the schema', () => {
    const text = line(queued(a)) + 'garbage{\n' + JSON.stringify({ op: 'queued', invitation: { id: 'not-a-uuid' } }) + '\n' + JSON.stringify({ op: 'deleted', id: a.id }) + '\n\n' + line(queued(b));
    expect(parseJournal(text)).toEqual({ records: [queued(a), queued(b)], unreadable: 3, tornTail: false });
  });

  it('reads an empty journal as nothing', () => {
    expect(parseJournal('')).toEqual({ records: [], unreadable: 0, tornTail: false });
  });
});

describe('openInvitationJournal', () => {
  it('creates the data directory, appends owner-only lines and replays them after a reopen', () => {
    const a = invitation('P-A');
    const journal = open();
    expect(journal.replay()).toEqual([]);
    journal.append(queued(a));
    journal.append({ op: 'acked', id: a.id });
    expect(journal.appendedSinceCompaction()).toBe(2);
    journal.close();
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);

    const again = open();
    expect(again.replay()).toEqual([queued(a), { op: 'acked', id: a.id }]);
    expect(again.replay()).toEqual([]); // handed out once
    again.close();
  });

  it('has every appended line on disk (fdatasync) before append returns', () => {
    const journal = open();
    calls.length = 0;
    journal.append(queued(invitation()));
    expect(calls.filter((c) => c !== 'fsyncSync')).toEqual(['writeSync', 'fdatasyncSync']);
    calls.length = 0;
    journal.append({ op: 'acked', id: uuidv7() });
    expect(calls).toEqual(['writeSync', 'fdatasyncSync']);
    journal.close();
  });

  it("compacts atomically: temp file fsync'd, renamed over the journal, directory fsync'd", () => {
    const a = invitation('P-A');
    const b = invitation('P-B');
    const journal = open();
    journal.append(queued(a));
    journal.append(queued(b));
    journal.append({ op: 'acked', id: a.id });
    calls.length = 0;
    journal.compact([{ op: 'seen', key: 'case:closed:P-A', id: a.id }, queued(b)]);
    expect(calls).toEqual(['writeSync', 'fsyncSync', 'renameSync', 'fsyncSync']);
    expect(journal.appendedSinceCompaction()).toBe(0);
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
    // Appends after a compaction go to the new file.
    journal.append({ op: 'acked', id: b.id });
    journal.close();
    expect(readFileSync(file, 'utf8')).toBe(line({ op: 'seen', key: 'case:closed:P-A', id: a.id }) + line(queued(b)) + line({ op: 'acked', id: b.id }));
    // The acknowledged invitation's case and staff data are gone from disk (its dedupe key stays).
    expect(readFileSync(file, 'utf8')).not.toContain('"projectNo":"P-A"');
    expect(readFileSync(file, 'utf8').match(/张三/g)).toHaveLength(1);
  });

  it('survives a torn last line: logs it, keeps the rest, and never lets it swallow the next record', () => {
    const a = invitation('P-A');
    const b = invitation('P-B');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, line(queued(a)) + line(queued(b)).slice(0, 50));
    const journal = open();
    expect(journal.replay()).toEqual([queued(a)]);
    expect(logged).toEqual(['invitation journal: ignored a torn last line (a write cut short by a crash or power cut)']);
    // Even without a compaction first, an append starts on a fresh line.
    const c = invitation('P-C');
    journal.append(queued(c));
    journal.close();
    expect(open().replay()).toEqual([queued(a), queued(c)]);
  });

  it('keeps what parses from a corrupt journal and logs counts only, never case or staff data', () => {
    const a = invitation('P-SECRET-CASE');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'not json at all\n' + line(queued(a)) + '{"op":"queued","invitation":{"staff":{"name":"李四"}}}\n');
    expect(open().replay()).toEqual([queued(a)]);
    expect(logged).toEqual(['invitation journal: skipped 2 unreadable line(s), kept 1']);
    expect(logged.join(' ')).not.toMatch(/李四|张三|SECRET/);
  });

  it('sets an unreadable journal aside and starts empty instead of failing', () => {
    mkdirSync(file, { recursive: true }); // a directory where the file should be: EISDIR on read
    const journal = open();
    expect(journal.replay()).toEqual([]);
    expect(logged[0]).toMatch(/^invitation journal: cannot read it \(EISDIR\); starting empty and keeping it as invitations-dev-1\.jsonl\.unreadable-\d+$/);
    const a = invitation();
    journal.append(queued(a));
    journal.close();
    expect(open().replay()).toEqual([queued(a)]);
  });

  it('keeps appending to the old journal when a compaction fails', () => {
    const a = invitation('P-A');
    const journal = open();
    journal.append(queued(a));
    mkdirSync(`${file}.tmp`); // the temp file cannot be created
    journal.compact([]);
    expect(logged).toEqual(['invitation journal: compaction failed (EISDIR); still appending to the old file']);
    expect(journal.appendedSinceCompaction()).toBe(1);
    const b = invitation('P-B');
    journal.append(queued(b));
    journal.close();
    expect(open().replay()).toEqual([queued(a), queued(b)]);
  });

  it('throws (and logs) when an append cannot be made durable, and recovers on the next one', () => {
    const a = invitation('P-A');
    const b = invitation('P-B');
    const journal = open();
    journal.append(queued(a));
    failing = { name: 'fdatasyncSync', skip: 0 };
    expect(() => journal.append(queued(b))).toThrow('fdatasyncSync failed');
    expect(logged).toEqual(['invitation journal: could not record a queued entry (EIO)']);
    expect(journal.appendedSinceCompaction()).toBe(1);
    const c = invitation('P-C');
    journal.append(queued(c));
    journal.close();
    // The line whose fsync failed may or may not be on disk; the ones around it are whole.
    expect(open().replay().filter((r) => r.op === 'queued' && r.invitation.id !== b.id)).toEqual([queued(a), queued(c)]);
  });

  it("abandons a compaction whose temp file cannot be fsync'd", () => {
    const a = invitation('P-A');
    const journal = open();
    journal.append(queued(a));
    failing = { name: 'fsyncSync', skip: 0 };
    journal.compact([]);
    expect(logged).toEqual(['invitation journal: compaction failed (EIO); still appending to the old file']);
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
    journal.close();
    expect(open().replay()).toEqual([queued(a)]);
  });

  it("refuses appends until a compaction's rename is durable (directory fsync'd)", () => {
    if (process.platform === 'win32') return; // no directory fsync there
    const a = invitation('P-A');
    const journal = open();
    failing = { name: 'fsyncSync', skip: 1 }; // the temp file's fsync passes, the directory's fails
    journal.compact([queued(a)]);
    expect(logged).toEqual(['invitation journal: could not fsync the data directory after compaction (EIO)']);
    failing = { name: 'fsyncSync', skip: 0 }; // and fails again at the next append
    expect(() => journal.append({ op: 'acked', id: a.id })).toThrow('fsyncSync failed');
    calls.length = 0;
    journal.append({ op: 'acked', id: a.id }); // now the directory fsync succeeds first
    expect(calls).toEqual(['fsyncSync', 'writeSync', 'fdatasyncSync']);
    journal.close();
    expect(open().replay()).toEqual([queued(a), { op: 'acked', id: a.id }]);
  });
});
