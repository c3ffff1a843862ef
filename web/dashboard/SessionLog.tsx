import { useEffect, useState } from 'react';
import type { SessionLogPage } from '../../contract/workQueue';
import type { WorkApi } from './workApi';
import type { WorkStrings } from './workStrings';

/** Entries a page: the list is bounded, older pages are reached through the intake's cursor. */
export const SESSION_PAGE_SIZE = 20;

const when = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

function eventText(t: WorkStrings, event: SessionLogPage['entries'][number]['event']): string {
  const name = t.sessionEvents[event.type] ?? event.type;
  if (event.type === 'sign_in_refused') return `${name}（${t.refusedBecause[event.reason] ?? event.reason}）`;
  if (event.type === 'lockout') return `${name}（${t.lockedFor(Math.round(event.lockedForMs / 1000))}）`;
  return name;
}

/**
 * The sign-in log (issue 23) for the auditor and the hall manager: sign-ins, refused sign-ins,
 * lockouts and sign-outs from the hash-chained action log, newest first, a page at a time. The
 * pages already seen are kept as the cursors that reached them, so "newer" goes back exactly.
 */
export function SessionLog({ api, t, onBack }: { api: WorkApi; t: WorkStrings; onBack: () => void }) {
  // cursors[i] is the `before` of page i; the first page has none.
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  // What came back, with the page it was asked for: another page's entries (or its error) are never shown as this one's.
  const [answer, setAnswer] = useState<{ depth: number; page: SessionLogPage } | { depth: number; error: string } | null>(null);
  const [attempt, setAttempt] = useState(0);
  const depth = cursors.length;
  const before = cursors[depth - 1];
  useEffect(() => {
    let live = true;
    api.sessions(SESSION_PAGE_SIZE, before).then(
      (page) => live && setAnswer({ depth, page }),
      (e: unknown) => live && setAnswer({ depth, error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [api, before, depth, attempt]);
  const shown = answer?.depth === depth ? answer : null;
  const page = shown && 'page' in shown ? shown.page : null;
  const error = shown && 'error' in shown ? shown.error : null;
  // "Older" only from a page on screen: from a page still loading it would push the cursor that reached it again.
  const next = page?.next ?? null;
  return (
    <section aria-labelledby="session-log-heading" data-screen="session-log">
      <p>
        <button type="button" onClick={onBack}>
          {t.back}
        </button>
      </p>
      <h2 id="session-log-heading">{t.sessionLog}</h2>
      <p>{t.sessionLogNote}</p>
      {/* Above the table: on a 1366×768 screen a page of 20 runs past the fold. */}
      <nav aria-label={t.sessionLog} className="pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t.newer}
        </button>{' '}
        <button type="button" disabled={next === null} onClick={() => next !== null && setCursors((c) => [...c, next])}>
          {t.older}
        </button>
      </nav>
      {!shown && <p aria-busy="true">{t.loadingPage}</p>}
      {error && (
        <p role="alert">
          {error}{' '}
          <button
            type="button"
            onClick={() => {
              setAnswer(null);
              setAttempt((n) => n + 1);
            }}
          >
            {t.retry}
          </button>
        </p>
      )}
      {page && page.entries.length === 0 && <p>{t.noSessions}</p>}
      {page && page.entries.length > 0 && (
        <table className="counts work-table" data-page={depth}>
          <thead>
            <tr>
              <th scope="col">{t.sessionTime}</th>
              <th scope="col">{t.sessionWho}</th>
              <th scope="col">{t.sessionEvent}</th>
              <th scope="col">{t.sessionAddress}</th>
            </tr>
          </thead>
          <tbody>
            {page.entries.map((entry) => (
              <tr key={entry.seq} data-seq={entry.seq} data-event={entry.event.type}>
                <td>
                  <time dateTime={entry.at}>{when(entry.at)}</time>
                </td>
                <td>{entry.actor.id}</td>
                <td>{eventText(t, entry.event)}</td>
                <td>{entry.address}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
