import { DispatchedTicketSchema, type DispatchedTicket } from '../contract/tickets';

/**
 * The other direction of a mock province (issue 23): its 好差评 system, or the 12345 hotline
 * behind it, dispatches a 差评 ticket (转办通报单) down to the hall's intake, at the intake's
 * authenticated inbound endpoint (POST /v1/tickets/dispatched) with its own dispatch token, the one
 * the intake config lists for it under `dispatchers` (never the intake's admin token).
 * A province that hears nothing back sends the same bill again; the intake answers the same ticket.
 */
export interface DispatchTarget {
  /** The intake's address, e.g. http://127.0.0.1:8788. */
  origin: string;
  /** This system's dispatch token, as the intake's `dispatchers` config lists it (or its SHA-256). */
  token: string;
}

export interface DispatchAnswer {
  /** 201 a new ticket, 200 the same bill again, 409 another bill under the same number, 400 a bill the intake cannot read, 401 a token the intake does not list, 403 a hall this system may not dispatch to. */
  status: number;
  /** The intake's ticket id, when it took the bill. */
  ticketId: string | null;
}

/** A 转办通报单 as the mock sends it: a 差评 from the hotline (12345) unless told otherwise. */
export function dispatchBill(externalRef: string, overrides: Partial<DispatchedTicket> = {}): DispatchedTicket {
  return DispatchedTicketSchema.parse({
    source: '12345',
    externalRef,
    hallCode: 'h1',
    department: '市场监督管理局',
    level: 1,
    reasons: '12345 热线转办: 群众反映办理营业执照变更时多次被要求补交材料',
    case: { projectNo: `P-${externalRef}`, taskName: '企业变更登记' },
    staff: [],
    realName: true,
    deadline: '2026-11-30T17:30:00+08:00',
    ...overrides,
  });
}

/** Sends one bill to the intake and reads its answer; a network failure throws (the caller sends again). */
export async function dispatchTicket(target: DispatchTarget, bill: DispatchedTicket): Promise<DispatchAnswer> {
  const response = await fetch(new URL('/v1/tickets/dispatched', target.origin), {
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(bill),
  });
  const body = (await response.json()) as { id?: unknown };
  return { status: response.status, ticketId: typeof body.id === 'string' ? body.id : null };
}
