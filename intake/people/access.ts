import type { SignedInPerson } from '../../contract/people';
import type { TicketActor, TicketEventType } from '../../contract/tickets';
import { reviewerConflict, type Ticket } from '../tickets/ticketMachine';

/**
 * Who may see and do what to a 差评 ticket (issue 23), as pure rules over the signed-in person:
 * - a handler sees and acts on their own department's tickets only;
 * - deciding an appeal is the centre reviewer's, and only that: never the rated staff member
 *   (under any id they are rated by) nor from the appealing department;
 * - the manager takes every other step on any ticket;
 * - the auditor reads and verifies, and changes nothing.
 * The ticket machine still decides whether the step is allowed now (409 with the next steps).
 */

/** The person as the ticket machine and the action log name them. */
export function actorOf(person: SignedInPerson): TicketActor {
  return { id: person.login, department: person.department ?? null, role: person.role };
}

/** Whether the person may see a ticket of this department. */
export function maySee(person: SignedInPerson, department: string | null): boolean {
  return person.role !== 'handler' || department === person.department;
}

/** Which department's tickets a person's list is limited to (a handler's own); null for all. */
export function listScope(person: SignedInPerson): string | null {
  return person.role === 'handler' ? (person.department ?? null) : null;
}

/** Why the reviewer may not decide this ticket's appeal, if they may not. */
export function reviewConflict(person: SignedInPerson, ticket: Ticket): string | null {
  if (person.staffIds.some((id) => ticket.ratedStaff.includes(id))) return 'the rated staff member may not review an appeal about their own rating';
  return reviewerConflict(ticket, actorOf(person));
}

/** Why this person may not take this step on this ticket, or null when they may. */
export function refusalOf(person: SignedInPerson, ticket: Ticket, step: TicketEventType): string | null {
  switch (person.role) {
    case 'auditor':
      return 'an auditor reads tickets and verifies the log; they change nothing';
    case 'reviewer':
      return step === 'decide_appeal' ? reviewConflict(person, ticket) : 'a centre reviewer decides appeals and takes no other step';
    case 'handler':
      if (!maySee(person, ticket.department)) return "a handler acts only on their own department's tickets";
      return step === 'decide_appeal' ? 'only a centre reviewer decides an appeal' : null;
    case 'manager':
      return step === 'decide_appeal' ? 'only a centre reviewer decides an appeal' : null;
  }
}
