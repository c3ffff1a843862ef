/**
 * Work-queue actions in a process of their own, on a file database, for the kill test
 * (tickets/ticketKill.test.ts) to SIGKILL mid-action and start again. TICKET_CHILD_DB is the
 * database file, TICKET_CHILD_TICKETS how many dispatched tickets to work. It opens them (once:
 * a dispatch is idempotent), then takes every ticket's next step through the loop, over and over,
 * through the same `act` the /v1/work route calls, until every ticket is closed. Prints "acting"
 * once the first step is under way and "done" at the end.
 */
import type { TicketEvent } from '../../contract/tickets';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar } from '../followups/workingDays';
import { openSqliteStore } from '../store/sqlite/sqliteStore';
import { DEFAULT_TICKET_POLICY, type Ticket } from '../tickets/ticketMachine';
import { createTicketWriter, createTickets } from '../tickets/tickets';

const store = openSqliteStore(process.env.TICKET_CHILD_DB!);
const count = Number(process.env.TICKET_CHILD_TICKETS);
const days = createWorkingDays(loadCalendar(DEFAULT_CALENDAR_FILE.pathname));
const tickets = createTickets(store, createTicketWriter(days.deadline, DEFAULT_TICKET_POLICY, Date.now), Date.now);
const handler = { id: 'handler-1', department: '税务局', role: 'handler' as const };

/** The loop of a 属实 差评 with one extension; null once closed. */
function nextStep(ticket: Ticket): TicketEvent | null {
  switch (ticket.stage) {
    case 'opened':
      return { type: 'contact', reached: true, note: '已联系群众' };
    case 'contacted':
      return { type: 'determine', finding: 'true', reason: '经核实属实' };
    case 'determined':
      return { type: 'rectify', class: 'limited' };
    case 'rectifying':
      return ticket.rectification!.extensions.length === 0 ? { type: 'extend', reason: '需协调其他部门', workingDays: 3 } : { type: 'rectified', note: '已整改' };
    case 'rectified':
      return { type: 'feedback', reached: true, result: '群众认可', satisfaction: 'satisfied' };
    case 'feedback_given':
      return { type: 'close', reason: '办结' };
    default:
      return null;
  }
}

for (let i = 0; i < count; i++) {
  await tickets.dispatched({ source: '12345', externalRef: `K-${i}`, hallCode: 'h1', department: '税务局', level: 2, reasons: '办事等待时间过长', staff: [], realName: true }, 'hotline');
}
let announced = false;
for (let open = true; open; ) {
  open = false;
  for (let i = 0; i < count; i++) {
    const view = await tickets.get(`12345-K-${i}`);
    const event = view && nextStep(view.ticket);
    if (!view || !event) continue;
    open = true;
    if (!announced) {
      console.log('acting');
      announced = true;
    }
    const result = await tickets.act(view.id, view.version, handler, event);
    if (result.status !== 'done') throw new Error(`${event.type} on ${view.id}: ${result.status}`);
  }
}
console.log('done');
await store.close();
