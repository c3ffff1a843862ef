import { z } from 'zod';
import { faultDraw, listen, readBody, type MockFaults } from './mockProvinceKit';

/**
 * The server of the product's own reference interface (intake/forwarding/adapters/referenceJson.ts),
 * not a real province's: it takes ratings and, unlike the provincial interfaces followed here, a 差评
 * ticket's state after each transition, and records what it receives. A record it holds already
 * (the same rating id, the same ticket and seq) is answered 409 with its first ack id, so a resend
 * after a lost reply is acknowledged once; the faults of mockProvinceKit.ts apply to both calls.
 */
export interface ReferenceMockOptions extends MockFaults {
  token: string;
}

const TicketStateSchema = z.object({
  ticketId: z.string().min(1),
  outcomeId: z.string().min(1),
  seq: z.number().int().min(1),
  at: z.string().min(1),
  stage: z.string().min(1),
  finding: z.string().nullable(),
  excluded: z.boolean(),
});
export type ReceivedTicketState = z.infer<typeof TicketStateSchema> & { ackId: string };

export async function startReferenceMock(options: ReferenceMockOptions, port = 0) {
  const draw = faultDraw(options);
  const records: Array<{ unid: string; id: string; projectNo: string }> = [];
  const states: ReceivedTicketState[] = [];
  const counts = { ratings: 0, ticketStates: 0, duplicates: 0, refused: 0, unauthorised: 0 };
  const reply = (response: import('node:http').ServerResponse, status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = await listen(async (request, response) => {
    const body = await readBody(request);
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      counts.unauthorised++;
      return reply(response, 401, { reason: 'unknown token' });
    }
    if (request.method !== 'POST' || (request.url !== '/ratings' && request.url !== '/ticket-states')) return reply(response, 404, { reason: 'no such call' });
    if (draw.failsBefore(response)) return;
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return reply(response, 400, { reason: 'not JSON' });
    }
    if (request.url === '/ratings') {
      const rating = z.object({ id: z.string().min(1), projectNo: z.string().optional() }).loose().safeParse(json);
      if (!rating.success) return (counts.refused++, reply(response, 400, { reason: 'a rating names its id' }));
      const held = records.find((r) => r.id === rating.data.id);
      if (held) return (counts.duplicates++, draw.answerCommitted(request, () => reply(response, 409, { ackId: held.unid })));
      const unid = draw.newId('REF');
      records.push({ unid, id: rating.data.id, projectNo: rating.data.projectNo ?? '' });
      counts.ratings++;
      return draw.answerCommitted(request, () => reply(response, 200, { ackId: unid }));
    }
    const state = TicketStateSchema.safeParse(json);
    if (!state.success) return (counts.refused++, reply(response, 400, { reason: 'not a ticket state' }));
    const held = states.find((s) => s.ticketId === state.data.ticketId && s.seq === state.data.seq);
    if (held) return (counts.duplicates++, draw.answerCommitted(request, () => reply(response, 409, { ackId: held.ackId })));
    const ackId = draw.newId('TS');
    states.push({ ...state.data, ackId });
    counts.ticketStates++;
    return draw.answerCommitted(request, () => reply(response, 200, { ackId }));
  }, port);
  return {
    url: server.url,
    records,
    /** The ticket states received, each once, in the order taken. */
    states,
    counts: { ...counts, faults: draw.counts },
    liveCounts: () => ({ ...counts, ...draw.counts }),
    close: server.close,
  };
}
