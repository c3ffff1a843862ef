import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { TicketStageSchema } from '../../contract/tickets';
import type { LogVerdictSchema, WorkPerson, WorkTicket } from '../../contract/workQueue';
import type { z } from 'zod';
import { SessionLog } from './SessionLog';
import { TicketPage } from './TicketPage';
import { WorkApiError, type WorkApi } from './workApi';
import { WORK_STRINGS, type WorkLanguage, type WorkStrings } from './workStrings';

const when = (iso: string | null) => (iso === null ? '—' : new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }));

function SignInForm({ t, onSignIn, error }: { t: WorkStrings; onSignIn: (login: string, password: string) => void; error: string | null }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onSignIn(String(form.get('login') ?? '').trim(), String(form.get('password') ?? ''));
  };
  return (
    <form className="token-form" onSubmit={submit} data-screen="work-sign-in">
      <h2>{t.signInTitle}</h2>
      <label>
        {t.login}
        <input name="login" required autoComplete="username" />
      </label>
      <label>
        {t.password}
        <input name="password" type="password" required autoComplete="current-password" />
      </label>
      {error && <p role="alert">{error}</p>}
      <button type="submit">{t.signIn}</button>
    </form>
  );
}

interface Filter {
  stage: string;
  department: string;
  overdue: string;
  dueBefore: string;
}

function Queue({ api, t, person, onOpen }: { api: WorkApi; t: WorkStrings; person: WorkPerson; onOpen: (id: string) => void }) {
  // A reviewer's queue starts at the appeals waiting for a decision.
  const [filter, setFilter] = useState<Filter>({ stage: person.role === 'reviewer' ? 'appealed' : '', department: '', overdue: '', dueBefore: '' });
  const [tickets, setTickets] = useState<WorkTicket[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const dueBefore = filter.dueBefore ? new Date(`${filter.dueBefore}T00:00:00+08:00`).toISOString() : '';
    api.tickets({ ...filter, dueBefore, limit: '200' }).then(
      (page) => live && (setTickets(page.tickets), setError(null)),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, filter]);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '');
    setFilter({ stage: value('stage'), department: value('department').trim(), overdue: value('overdue'), dueBefore: value('dueBefore') });
  };
  return (
    <section aria-labelledby="queue-heading">
      <h2 id="queue-heading">{person.role === 'reviewer' && filter.stage === 'appealed' ? t.reviewQueue : t.queue}</h2>
      <form className="filters" onSubmit={submit} aria-label={t.filter}>
        <label>
          {t.stage}
          <select name="stage" defaultValue={filter.stage}>
            <option value="">{t.anyStage}</option>
            {TicketStageSchema.options.map((stage) => (
              <option key={stage} value={stage}>
                {t.stages[stage]}
              </option>
            ))}
          </select>
        </label>
        {person.role !== 'handler' && (
          <label>
            {t.department}
            <input name="department" defaultValue={filter.department} size={12} />
          </label>
        )}
        <label>
          {t.overdue}
          <select name="overdue" defaultValue={filter.overdue}>
            <option value="">{t.any}</option>
            <option value="true">{t.overdueOnly}</option>
            <option value="false">{t.notOverdue}</option>
          </select>
        </label>
        <label>
          {t.dueBefore}
          <input type="date" name="dueBefore" defaultValue={filter.dueBefore} />
        </label>
        <button type="submit">{t.filter}</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {tickets && tickets.length === 0 && <p>{t.none}</p>}
      {tickets && tickets.length > 0 && (
        <table className="counts work-table">
          <thead>
            <tr>
              <th scope="col">{t.stage}</th>
              <th scope="col">{t.department}</th>
              <th scope="col">{t.opened}</th>
              <th scope="col">{t.due}</th>
              <th scope="col">{t.actions}</th>
              <th scope="col">
                <span className="visually-hidden">{t.open}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tickets.map((ticket) => (
              <tr key={ticket.id} data-ticket={ticket.id} data-stage={ticket.stage}>
                <td>
                  {t.stages[ticket.stage]}
                  {ticket.overdue && <span className="flag overdue"> {t.overdueFlag}</span>}
                  {ticket.excluded && <span className="flag excluded"> {t.excluded}</span>}
                </td>
                <td>{ticket.department ?? '—'}</td>
                <td>{when(ticket.openedAt)}</td>
                <td>
                  {when(ticket.dueAt)}
                  {ticket.dueIsExternal && <span className="flag">{t.externalDueFlag}</span>}
                </td>
                <td>{ticket.mine.map((s) => t.steps[s] ?? s).join('、') || '—'}</td>
                <td>
                  <button type="button" onClick={() => onOpen(ticket.id)}>
                    {t.open}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function LogCheck({ api, t, onSessions }: { api: WorkApi; t: WorkStrings; onSessions: () => void }) {
  const [verdict, setVerdict] = useState<z.infer<typeof LogVerdictSchema> | null>(null);
  return (
    <p>
      <button type="button" onClick={() => void api.verifyLog().then(setVerdict)}>
        {t.verifyLog}
      </button>{' '}
      <button type="button" onClick={onSessions}>
        {t.sessionLog}
      </button>{' '}
      {verdict && <output data-log-ok={String(verdict.ok)}>{verdict.ok ? t.logOk(verdict.checked) : t.logBroken(verdict.seq, verdict.problem)}</output>}
    </p>
  );
}

/**
 * The work queue of 差评 tickets (issue 23) at /work: sign-in, the list filtered by stage,
 * department, overdue and due date, one ticket with its rating, timeline and the steps this
 * person may take, the appeal form and the reviewer's queue, and for the auditor and the hall
 * manager the sign-in log. Chinese by default (?lang=en for English).
 */
export function WorkQueue({ api, initialLanguage }: { api: WorkApi; initialLanguage: WorkLanguage }) {
  const [language, setLanguage] = useState<WorkLanguage>(initialLanguage);
  const t = WORK_STRINGS[language];
  const [person, setPerson] = useState<WorkPerson | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  // The auditor's and the manager's sign-in log, in place of the list.
  const [sessions, setSessions] = useState(false);
  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    document.title = t.title;
  }, [language, t.title]);
  useEffect(() => {
    api.session().then(
      (session) => setPerson(session.person),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [api]);
  const signIn = useCallback(
    (login: string, password: string) => {
      setError(null);
      api.signIn(login, password).then(
        (session) => setPerson(session.person),
        (e: unknown) => setError(e instanceof WorkApiError || e instanceof Error ? e.message : String(e)),
      );
    },
    [api],
  );
  const signOut = () => {
    void api
      .signOut()
      .then(() => api.session())
      .then((session) => {
        setPerson(session.person);
        setOpen(null);
        setSessions(false);
      });
  };
  return (
    <main className="dashboard work-queue">
      <header>
        <h1>{t.title}</h1>
        <p>
          {person && (
            <span data-person={person.login}>
              {person.name} · {t.roles[person.role]}
              {person.department ? ` · ${person.department}` : ''}{' '}
            </span>
          )}
          <button type="button" lang={t.languageCode === 'en' ? 'en' : 'zh-CN'} onClick={() => setLanguage(t.languageCode as WorkLanguage)}>
            {t.language}
          </button>{' '}
          {person && (
            <button type="button" onClick={signOut}>
              {t.signOut}
            </button>
          )}
        </p>
      </header>
      {person === undefined && !error && <p aria-busy="true">…</p>}
      {person === null && <SignInForm t={t} onSignIn={signIn} error={error} />}
      {person === undefined && error && <p role="alert">{error}</p>}
      {person && (person.role === 'auditor' || person.role === 'manager') && !sessions && <LogCheck api={api} t={t} onSessions={() => (setSessions(true), setOpen(null))} />}
      {person &&
        (sessions ? (
          <SessionLog api={api} t={t} onBack={() => setSessions(false)} />
        ) : open ? (
          <TicketPage api={api} id={open} t={t} onBack={() => setOpen(null)} />
        ) : (
          <Queue api={api} t={t} person={person} onOpen={setOpen} />
        ))}
    </main>
  );
}
