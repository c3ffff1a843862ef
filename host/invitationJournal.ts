import { closeSync, fdatasyncSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InvitationSchema } from '../contract/invitation';

/**
 * One line of the invitation journal. `queued`: a case event was accepted (its dedupe key, when
 * the host still remembers it, and the invitation made for it). `seen`: a case event the host
 * remembers for dedupe only, its invitation already acknowledged (written by compaction, so the
 * journal keeps no case or staff data of invitations the page has taken). `acked`: the page
 * stored the invitation durably.
 */
export const JournalRecordSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('queued'), key: z.string().min(1).optional(), invitation: InvitationSchema }).strict(),
  z.object({ op: z.literal('seen'), key: z.string().min(1), id: z.uuid() }).strict(),
  z.object({ op: z.literal('acked'), id: z.uuid() }).strict(),
]);
export type JournalRecord = z.infer<typeof JournalRecordSchema>;

/** What the invitation queue needs from its journal. */
export interface InvitationJournal {
  /** The records found when the journal was opened, oldest first (handed out once). */
  replay(): JournalRecord[];
  /** Appends one record and returns only once it is on disk; throws when it cannot be made durable. */
  append(record: JournalRecord): void;
  /** Replaces the whole journal with these records, atomically. Never throws: on failure the old file stays in use. */
  compact(records: readonly JournalRecord[]): void;
  /** Records appended since the last compaction (the queue compacts when this grows too large). */
  appendedSinceCompaction(): number;
  close(): void;
}

export interface ParsedJournal {
  records: JournalRecord[];
  /** Complete lines that did not parse (corruption): skipped. */
  unreadable: number;
  /** The last line had no newline and did not parse: a write cut short by a crash or power cut. */
  tornTail: boolean;
}

/** Reads journal text, keeping every line that parses; never throws. */
export function parseJournal(text: string): ParsedJournal {
  const lines = text.split('\n');
  // Text that ends with "\n" leaves an empty last piece; anything else there is a line without its newline.
  const tail = lines.pop() ?? '';
  const records: JournalRecord[] = [];
  let unreadable = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const record = parseLine(line);
    if (record) records.push(record);
    else unreadable++;
  }
  let tornTail = false;
  if (tail.trim() !== '') {
    // Written whole but for its newline: keep it (whether or not its fsync finished, a resend maps to it).
    const record = parseLine(tail);
    if (record) records.push(record);
    else tornTail = true;
  }
  return { records, unreadable, tornTail };
}

function parseLine(line: string): JournalRecord | null {
  try {
    const parsed = JournalRecordSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const lineOf = (record: JournalRecord) => `${JSON.stringify(record)}\n`;

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

const errorCode = (error: unknown) => (error instanceof Error && 'code' in error ? String(error.code) : error instanceof Error ? error.message : String(error));

/**
 * Makes a rename or a new file in `dir` durable. Windows cannot open a directory for fsync (NTFS
 * journals the rename itself), so there it is skipped.
 */
function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface OpenJournalOptions {
  /** Events and counts only: never case or staff data. */
  log: (message: string) => void;
}

/**
 * The invitation journal on disk: one JSON record per line, appended and fsync'd before the host
 * answers. Opening reads what parses (a torn last line from a power cut is ignored, corrupt lines
 * are skipped and counted) and never fails because of the file's content; a journal that cannot
 * be read at all is set aside under another name and the host starts empty.
 *
 * Crash safety: a record is either whole on disk before its answer was sent, or the sender got no
 * 202 and sends again. Compaction writes `<file>.tmp`, fsyncs it, renames it over the journal and
 * fsyncs the directory: a crash before the rename leaves the old journal, after it the new one,
 * and both say the same thing. Appends start only on a journal whose last line is complete, so a
 * torn line never swallows the record after it.
 */
export function openInvitationJournal(file: string, { log }: OpenJournalOptions): InvitationJournal {
  const dir = path.dirname(file);
  const created = mkdirSync(dir, { recursive: true });
  if (created !== undefined) {
    try {
      fsyncDirectory(path.dirname(created));
    } catch (error) {
      log(`invitation journal: could not fsync the parent of the new data directory (${errorCode(error)})`);
    }
  }

  let replayed: JournalRecord[] = [];
  try {
    const parsed = parseJournal(readFileSync(file, 'utf8'));
    replayed = parsed.records;
    if (parsed.unreadable > 0) log(`invitation journal: skipped ${parsed.unreadable} unreadable line(s), kept ${parsed.records.length}`);
    if (parsed.tornTail) log('invitation journal: ignored a torn last line (a write cut short by a crash or power cut)');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') {
      const aside = `${file}.unreadable-${Date.now()}`;
      log(`invitation journal: cannot read it (${errorCode(error)}); starting empty and keeping it as ${path.basename(aside)}`);
      try {
        renameSync(file, aside);
      } catch (renameError) {
        log(`invitation journal: could not set it aside (${errorCode(renameError)})`);
      }
    }
  }

  let fd: number | undefined;
  let appended = 0;
  // After a compaction whose directory fsync failed, the rename is not yet durable: appends to the new file must wait for it.
  let directoryPending = false;

  /** Opens the journal for appending, first completing a last line cut short by an earlier failure. */
  const open = (): number => {
    if (fd !== undefined) return fd;
    const opened = openSync(file, 'a+', 0o600);
    try {
      const size = fstatSync(opened).size;
      if (size > 0) {
        const last = Buffer.alloc(1);
        readSync(opened, last, 0, 1, size - 1);
        if (last[0] !== 0x0a) {
          writeAll(opened, '\n');
          fdatasyncSync(opened);
        }
      }
    } catch (error) {
      closeSync(opened);
      throw error;
    }
    fd = opened;
    return opened;
  };
  const drop = () => {
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // Already unusable: the next append opens the file again.
    }
    fd = undefined;
  };

  return {
    replay() {
      const records = replayed;
      replayed = [];
      return records;
    },
    append(record) {
      try {
        if (directoryPending) {
          fsyncDirectory(dir);
          directoryPending = false;
        }
        const handle = open();
        writeAll(handle, lineOf(record));
        fdatasyncSync(handle);
        appended++;
      } catch (error) {
        // Part of the line may be in the file: reopen next time, which completes it before appending.
        drop();
        log(`invitation journal: could not record a ${record.op} entry (${errorCode(error)})`);
        throw error;
      }
    },
    compact(records) {
      const tmp = `${file}.tmp`;
      try {
        const out = openSync(tmp, 'w', 0o600);
        try {
          writeAll(out, records.map(lineOf).join(''));
          fsyncSync(out);
        } finally {
          closeSync(out);
        }
        // Closed first: Windows renames over a file more reliably when nothing holds it open.
        // Should the rename fail, the next append simply reopens the old journal.
        drop();
        renameSync(tmp, file);
      } catch (error) {
        log(`invitation journal: compaction failed (${errorCode(error)}); still appending to the old file`);
        try {
          rmSync(tmp, { force: true });
        } catch {
          // A leftover .tmp is harmless: the next compaction truncates it.
        }
        return;
      }
      appended = 0;
      try {
        fsyncDirectory(dir);
        directoryPending = false;
      } catch (error) {
        directoryPending = true;
        log(`invitation journal: could not fsync the data directory after compaction (${errorCode(error)})`);
      }
    },
    appendedSinceCompaction: () => appended,
    close: drop,
  };
}
