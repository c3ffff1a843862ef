import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { RATING_TAGS } from '../../contract/ratingCodes';
import { TicketEventSchema, type TicketEvent } from '../../contract/tickets';
import type { WorkTicketPage } from '../../contract/workQueue';
import { WorkApiError, type WorkApi } from './workApi';
import type { WorkStrings } from './workStrings';

/** The national tag names (the code table's own Chinese names, in either language). */
const TAG_NAMES = new Map(RATING_TAGS.map((tag) => [tag.code, tag.nameZh]));

const when = (iso: string | null) => (iso === null ? '—' : new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }));

/** The event a step's form describes (checked by the contract's schema before it is sent). */
async function eventOf(step: string, form: FormData, upload: (file: File) => Promise<string>): Promise<TicketEvent> {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const checked = (name: string) => form.get(name) === 'on';
  const candidates: Record<string, () => Promise<unknown> | unknown> = {
    contact: () => ({ type: 'contact', reached: checked('reached'), note: text('note') }),
    determine: () => ({ type: 'determine', finding: text('finding'), reason: text('reason') }),
    rectify: () => ({ type: 'rectify', class: text('class') }),
    extend: () => ({ type: 'extend', reason: text('reason'), workingDays: Number(text('workingDays')) }),
    rectified: () => ({ type: 'rectified', note: text('note') }),
    feedback: () => ({ type: 'feedback', reached: checked('reached'), result: text('result'), ...(checked('reached') ? { satisfaction: text('satisfaction') } : {}) }),
    close: () => ({ type: 'close', reason: text('reason') }),
    appeal: async () => {
      const files = form.getAll('evidence').filter((f): f is File => f instanceof File && f.size > 0);
      const evidence: string[] = [];
      for (const file of files) evidence.push(await upload(file));
      return { type: 'appeal', reasons: text('reasons'), evidence };
    },
    decide_appeal: () => ({ type: 'decide_appeal', upheld: text('decision') === 'upheld', reasons: text('reasons') }),
  };
  return TicketEventSchema.parse(await candidates[step]!());
}

function Options({ values }: { values: Record<string, string> }) {
  return (
    <>
      {Object.entries(values).map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </>
  );
}

/** The fields of one step's form. */
function StepFields({ step, t, realName }: { step: string; t: WorkStrings; realName: boolean }) {
  const area = (name: string, label: string) => (
    <label className="stacked">
      {label}
      <textarea name={name} required minLength={2} rows={2} />
    </label>
  );
  switch (step) {
    case 'contact':
      return (
        <>
          <label>
            <input type="checkbox" name="reached" defaultChecked /> {t.reached}
          </label>
          {area('note', t.note)}
        </>
      );
    case 'determine':
      return (
        <>
          <label>
            {t.finding}
            <select name="finding" required>
              <Options values={t.findings} />
            </select>
          </label>
          {area('reason', t.reason)}
        </>
      );
    case 'rectify':
      return (
        <label>
          {t.class}
          <select name="class" defaultValue="limited">
            <Options values={t.classes} />
          </select>
        </label>
      );
    case 'extend':
      return (
        <>
          <label>
            {t.workingDays}
            <input name="workingDays" type="number" min={1} max={30} defaultValue={5} required />
          </label>
          {area('reason', t.reason)}
        </>
      );
    case 'rectified':
      return area('note', t.note);
    case 'feedback':
      return (
        <>
          <label>
            <input type="checkbox" name="reached" defaultChecked /> {t.reached}
            {realName && ` (${t.realName})`}
          </label>
          {area('result', t.result)}
          <label>
            {t.satisfaction}
            <select name="satisfaction">
              <Options values={t.satisfactions} />
            </select>
          </label>
        </>
      );
    case 'close':
      return area('reason', t.reason);
    case 'appeal':
      return (
        <>
          {area('reasons', t.reasons)}
          <label className="stacked">
            {t.evidence}
            <input type="file" name="evidence" multiple accept="image/png,image/jpeg,application/pdf" />
          </label>
        </>
      );
    case 'decide_appeal':
      return (
        <>
          <fieldset>
            <legend>{t.decision}</legend>
            <label>
              <input type="radio" name="decision" value="upheld" required /> {t.upheld}
            </label>
            <label>
              <input type="radio" name="decision" value="rejected" /> {t.rejected}
            </label>
          </fieldset>
          {area('reasons', t.appealDecision)}
        </>
      );
    default:
      return null;
  }
}

/** One ticket: the rating, the case, the timeline, and the steps this person may take now. */
export function TicketPage({ api, id, t, onBack }: { api: WorkApi; id: string; t: WorkStrings; onBack: () => void }) {
  const [page, setPage] = useState<WorkTicketPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(
    () =>
      api.ticket(id).then(
        (loaded) => setPage(loaded),
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      ),
    [api, id],
  );
  useEffect(() => {
    let live = true;
    api.ticket(id).then(
      (loaded) => live && setPage(loaded),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, id]);

  const submit = (step: string) => async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!page) return;
    setBusy(true);
    setError(null);
    try {
      const ticketEvent = await eventOf(step, new FormData(event.currentTarget), async (file) => (await api.uploadEvidence(file)).sha256);
      await api.act(page.id, page.version, ticketEvent);
      await load();
    } catch (e) {
      if (e instanceof WorkApiError && e.code === 'stale_version') {
        setError(t.stale);
        await load();
      } else if (e instanceof WorkApiError && e.allowed.length > 0) {
        setError(`${e.message} · ${t.allowedNow}${e.allowed.map((s) => t.steps[s] ?? s).join('、')}`);
      } else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (!page) return error ? <p role="alert">{error}</p> : <p aria-busy="true">…</p>;
  const { rating, ticket } = page;
  return (
    <article className="ticket-page" data-ticket={page.id} data-stage={page.stage}>
      <p>
        <button type="button" onClick={onBack}>
          ← {t.back}
        </button>
      </p>
      <h2>
        {t.stages[page.stage]} · {page.department ?? '—'} · {t.version} {page.version}
        {page.overdue && <span className="flag overdue"> {t.overdueFlag}</span>}
      </h2>
      {page.excluded && (
        <p className="flag excluded" data-excluded="true">
          {t.excluded}
        </p>
      )}
      <div className="ticket-columns">
        <section className="panel" aria-labelledby="rating-heading">
          <h3 id="rating-heading">{t.rating}</h3>
          {rating ? (
            <dl className="facts">
              <dt>{t.level}</dt>
              <dd>{rating.level === null ? '—' : t.levels[rating.level]}</dd>
              <dt>{t.tags}</dt>
              <dd>{rating.tags.map((code) => `${code} ${TAG_NAMES.get(code) ?? ''}`.trim()).join('、') || '—'}</dd>
              <dt>{t.comment}</dt>
              <dd>{rating.comment ?? '—'}</dd>
              <dt>{t.case}</dt>
              <dd>
                {rating.case.taskName ?? '—'} {rating.case.projectNo ? `(${rating.case.projectNo})` : ''}
              </dd>
              <dt>{t.window}</dt>
              <dd>
                {rating.window.windowName}
                {/* A window's phone rating rates the window's service, no staff member. */}
                {rating.staff ? ` · ${t.staff} ${rating.staff.name}` : ''}
              </dd>
              <dt>{t.opened}</dt>
              <dd>{when(page.openedAt)}</dd>
              <dt>{t.due}</dt>
              <dd>{when(page.dueAt)}</dd>
            </dl>
          ) : (
            page.dispatch && (
              <dl className="facts">
                <dt>{t.dispatched}</dt>
                <dd>
                  {page.dispatch.source} {page.dispatch.externalRef} — {page.dispatch.reasons}
                </dd>
                <dt>{t.opened}</dt>
                <dd>{when(page.openedAt)}</dd>
                {page.dispatch.deadline && (
                  <>
                    <dt>{t.externalDeadline}</dt>
                    <dd>{when(page.dispatch.deadline)}</dd>
                  </>
                )}
                <dt>{t.due}</dt>
                <dd data-due-external={String(page.dueIsExternal)}>
                  {when(page.dueAt)}
                  {page.dueIsExternal && <span className="flag">{t.externalDueFlag}</span>}
                </dd>
              </dl>
            )
          )}
          {ticket.realName && <p className="flag">{t.realName}</p>}
          {ticket.finding && (
            <p>
              {t.finding}: {t.findings[ticket.finding.finding] ?? ticket.finding.finding} — {ticket.finding.reason}
            </p>
          )}
          {ticket.appeal?.decision && (
            <p>
              {ticket.appeal.decision.upheld ? t.upheld : t.rejected} — {ticket.appeal.decision.reasons}
            </p>
          )}
          {ticket.appeal && ticket.appeal.evidence.length > 0 && (
            <ul aria-label={t.evidence}>
              {ticket.appeal.evidence.map((sha) => (
                <li key={sha}>
                  <a href={`/v1/work/evidence/${sha}`}>{sha.slice(0, 12)}…</a>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="timeline-heading">
          <h3 id="timeline-heading">{t.timeline}</h3>
          <ol className="timeline">
            {page.timeline.map((entry) => (
              <li key={entry.seq}>
                <time dateTime={entry.at}>{when(entry.at)}</time> {t.steps[entry.event.type] ?? entry.event.type} {t.from} {entry.actor.id}
                {entry.from !== entry.to && entry.to && ` → ${t.stages[entry.to]}`}
              </li>
            ))}
          </ol>
        </section>
      </div>
      <section className="panel" aria-labelledby="actions-heading">
        <h3 id="actions-heading">{t.actions}</h3>
        {error && <p role="alert">{error}</p>}
        {page.mine.length === 0 && <p>{t.noActions}</p>}
        {page.mine.map((step) => (
          <form key={`${step}-${page.version}`} className="step-form" data-step={step} onSubmit={submit(step)} aria-label={t.steps[step] ?? step}>
            <h4>{t.steps[step] ?? step}</h4>
            <StepFields step={step} t={t} realName={ticket.realName} />
            <button type="submit" disabled={busy}>
              {t.steps[step] ?? step}
            </button>
          </form>
        ))}
      </section>
    </article>
  );
}
