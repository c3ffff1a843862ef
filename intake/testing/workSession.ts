import { PersonSchema, type Person } from '../../contract/people';
import { hashPin } from '../../shared-node/adminPin';
import type { RunningIntake } from '../server';

/** Everybody's password in the work-queue tests. */
export const WORK_PASSWORD = 'correct horse battery';
const hash = hashPin(WORK_PASSWORD);
export const workPerson = (p: Omit<Person, 'passwordHash' | 'staffIds'> & { staffIds?: string[] }) => PersonSchema.parse({ ...p, passwordHash: hash });

/** One person of each role, a handler of another department, and a reviewer who was rated as li4 (the staff of intakeHarness's ratings). */
export const WORK_PEOPLE = [
  workPerson({ login: 'manager', name: '张主任', role: 'manager' }),
  workPerson({ login: 'handler', name: '王经办', role: 'handler', department: '市场监督管理局' }),
  workPerson({ login: 'other', name: '赵经办', role: 'handler', department: '税务局' }),
  workPerson({ login: 'reviewer', name: '钱审核', role: 'reviewer', department: '政务服务管理办公室' }),
  workPerson({ login: 'li4.review', name: '李四', role: 'reviewer', department: '政务服务管理办公室', staffIds: ['li4'] }),
  workPerson({ login: 'auditor', name: '孙审计', role: 'auditor' }),
];

/** A browser's session with the work queue (/v1/work): its cookie and CSRF token. */
export interface WorkSession {
  cookie: string;
  csrf: string;
}

export const cookieOf = (answer: { cookies: Array<{ name: string; value: string }> }, before = '') => answer.cookies.find((c) => c.name === 'hcp_work')?.value ?? before;

export const workPost = (intake: RunningIntake, s: WorkSession, url: string, payload: object, csrf: string | null = s.csrf) =>
  intake.app.inject({ method: 'POST', url, cookies: { hcp_work: s.cookie }, headers: csrf === null ? {} : { 'x-csrf-token': csrf }, payload });
export const workGet = (intake: RunningIntake, s: WorkSession, url: string) => intake.app.inject({ method: 'GET', url, cookies: { hcp_work: s.cookie } });

/** A page opened by nobody signed in: a fresh cookie and its CSRF token. */
export async function openWork(intake: RunningIntake): Promise<WorkSession> {
  const answer = await intake.app.inject({ method: 'GET', url: '/v1/work/session' });
  if (answer.json().person !== null) throw new Error(`a fresh page is signed in: ${answer.body}`);
  return { cookie: cookieOf(answer), csrf: answer.json().csrfToken };
}

export async function signInWork(intake: RunningIntake, login: string, password = WORK_PASSWORD): Promise<WorkSession> {
  const start = await openWork(intake);
  const answer = await workPost(intake, start, '/v1/work/session', { login, password });
  if (answer.statusCode !== 200) throw new Error(`sign-in answered ${answer.statusCode}: ${answer.body}`);
  return { cookie: cookieOf(answer, start.cookie), csrf: answer.json().csrfToken };
}

/** Takes a step on a ticket over the version the page shows now. */
export async function workAct(intake: RunningIntake, s: WorkSession, id: string, event: object) {
  const { version } = (await workGet(intake, s, `/v1/work/tickets/${id}`)).json();
  return workPost(intake, s, `/v1/work/tickets/${id}/actions`, { version, event });
}

export async function workActOk(intake: RunningIntake, s: WorkSession, id: string, event: object) {
  const answer = await workAct(intake, s, id, event);
  if (answer.statusCode !== 200) throw new Error(`${JSON.stringify(event)} answered ${answer.statusCode}: ${answer.body}`);
  return answer.json();
}
