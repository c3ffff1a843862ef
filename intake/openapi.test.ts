import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FleetDeviceSchema, FleetFlagKindSchema, HeartbeatSchema } from '../contract/heartbeat';
import { InvitationReportSchema } from '../contract/invitationReport';
import { AnomalyFlagSchema, OutcomeSchema } from '../contract/outcome';
import { CaseLinkRequestSchema, PhoneRatingSchema } from '../contract/phoneRating';
import { SignInRequestSchema, WorkActionRequestSchema } from '../contract/people';
import { DispatchedTicketSchema, TICKET_EVENT_TYPES, TicketActionRequestSchema, TicketStageSchema } from '../contract/tickets';
import { startIntake } from './server';

interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown>; enum?: string[] }> };
}

const spec = parse(readFileSync(new URL('./openapi.yaml', import.meta.url), 'utf8')) as OpenApi;

/** The documented schema `name` has the same properties and required ones as the zod schema. */
function expectSameFields(name: string, schema: z.ZodType): void {
  const fromZod = z.toJSONSchema(schema, { io: 'input' }) as { required: string[]; properties: Record<string, unknown> };
  const documented = spec.components.schemas[name]!;
  expect(Object.keys(documented.properties ?? {}).sort()).toEqual(Object.keys(fromZod.properties).sort());
  expect([...(documented.required ?? [])].sort()).toEqual([...fromZod.required].sort());
}

// The OpenAPI file is written by hand for readers; these checks keep it from drifting from zod.
describe('openapi.yaml', () => {
  it('describes the outcome with the same fields and required fields as contract/outcome.ts', () => {
    expectSameFields('Outcome', OutcomeSchema);
    expect(spec.components.schemas.AnomalyFlag?.enum).toEqual(AnomalyFlagSchema.options);
  });

  it('describes the heartbeat and the fleet view with the fields of contract/heartbeat.ts', () => {
    for (const [name, schema] of [
      ['Heartbeat', HeartbeatSchema],
      ['FleetDevice', FleetDeviceSchema],
      ['InvitationReport', InvitationReportSchema],
    ] as const) expectSameFields(name, schema);
    const flag = spec.components.schemas.FleetDevice?.properties?.openFlags as { items: { properties: { kind: { enum: string[] } } } };
    expect(flag.items.properties.kind.enum).toEqual(FleetFlagKindSchema.options);
  });

  it('describes the case-link request and the phone rating with the fields of contract/phoneRating.ts', () => {
    expectSameFields('CaseLinkRequest', CaseLinkRequestSchema);
    expectSameFields('PhoneRating', PhoneRatingSchema);
  });

  it('describes the ticket action with the fields of contract/tickets.ts', () => {
    expectSameFields('TicketActionRequest', TicketActionRequestSchema);
    expectSameFields('DispatchedTicket', DispatchedTicketSchema);
    expectSameFields('WorkActionRequest', WorkActionRequestSchema);
    expectSameFields('SignInRequest', SignInRequestSchema);
    expect(spec.components.schemas.TicketStage?.enum).toEqual(TicketStageSchema.options);
    expect(spec.components.schemas.TicketEventType?.enum).toEqual(TICKET_EVENT_TYPES);
  });

  it('documents only routes the reference intake serves', async () => {
    const intake = await startIntake({ dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'openapi-')), 'i.sqlite'), port: 0, corsOrigins: [], log: () => undefined });
    try {
      const documented = Object.entries(spec.paths).flatMap(([route, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), url: route.replace(/\{(\w+)\}/g, ':$1') })));
      expect(documented).toEqual(
        expect.arrayContaining(
          [
            ['POST', '/v1/devices'],
            ['POST', '/v1/outcomes/batch'],
            ['GET', '/v1/keys/sealing'],
            ['GET', '/v1/admin/integrity'],
            ['GET', '/v1/admin/followups'],
            ['POST', '/v1/devices/:deviceId/pairing-codes'],
            ['GET', '/v1/devices/:deviceId/pairing-codes/:code'],
            ['POST', '/v1/pairings'],
            ['GET', '/pair'],
            ['GET', '/v1/dashboard/aggregates'],
            ['POST', '/v1/devices/:deviceId/feed-tickets'],
            ['GET', '/v1/devices/:deviceId/invitations'],
            ['POST', '/v1/admin/devices/:deviceId/trust'],
            ['POST', '/v1/devices/:deviceId/heartbeats'],
            ['GET', '/v1/admin/fleet'],
            ['POST', '/v1/admin/fleet/:deviceId/flags/:kind/close'],
            ['GET', '/v1/admin/enrolment-tokens'],
            ['POST', '/v1/admin/enrolment-tokens/:id/revoke'],
            ['POST', '/v1/devices/:deviceId/invitation-reports'],
            ['GET', '/v1/admin/tickets'],
            ['GET', '/v1/admin/tickets/:id'],
            ['POST', '/v1/admin/tickets/:id/actions'],
            ['GET', '/v1/admin/forwarding/report'],
            ['GET', '/v1/admin/forwarding/refused'],
            ['POST', '/v1/admin/forwarding/refused/:outcomeId/:destination/requeue'],
            ['GET', '/v1/admin/tickets-log/verify'],
            ['POST', '/v1/tickets/dispatched'],
            ['GET', '/v1/work/session'],
            ['POST', '/v1/work/session'],
            ['POST', '/v1/work/session/end'],
            ['GET', '/v1/work/tickets'],
            ['GET', '/v1/work/tickets/:id'],
            ['POST', '/v1/work/tickets/:id/actions'],
            ['POST', '/v1/work/evidence'],
            ['GET', '/v1/work/evidence/:sha256'],
            ['GET', '/v1/work/log/verify'],
            ['GET', '/v1/work/log/sessions'],
          ].map(([method, url]) => ({ method, url })),
        ),
      );
      const missing = documented.filter((r) => !intake.app.hasRoute(r as Parameters<typeof intake.app.hasRoute>[0]));
      expect(missing).toEqual([]);
    } finally {
      await intake.close();
    }
  });
});
