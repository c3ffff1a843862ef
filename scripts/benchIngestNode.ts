/**
 * One intake node for `npm run bench -- --only ingest`, in a process of its own so the bench's
 * client (preparing and posting batches) is not on the event loop being measured. Started with
 * `node --import tsx scripts/benchIngestNode.ts <config.json>`; answers its origin over IPC, its
 * CPU time when asked, and closes when told.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { startIntake } from '../intake/server';

const Config = z.object({
  dbFile: z.string(),
  /** PostgreSQL instead of the SQLite file: several nodes share it. */
  databaseUrl: z.string().optional(),
  adminToken: z.string(),
  enrolmentTokens: z.array(z.object({ token: z.string(), deviceId: z.string(), hallCode: z.string(), expiresAtMs: z.number() })),
  maxInFlightBatches: z.number().int().positive(),
});

const config = Config.parse(JSON.parse(readFileSync(process.argv[2]!, 'utf8')));
const intake = await startIntake({
  dbFile: config.dbFile,
  ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  port: 0,
  corsOrigins: [],
  adminToken: config.adminToken,
  enrolmentTokens: config.enrolmentTokens,
  maxInFlightBatches: config.maxInFlightBatches,
  // A thousand devices enrol from one loopback address before the clock starts.
  rateLimits: { enrolPerMinute: config.enrolmentTokens.length + 10 },
  // Internal errors reach the bench's output: a bench of failing requests must say why.
  log: (message) => console.error(`intake node: ${message}`),
});
process.send?.({ origin: intake.origin });
process.on('message', (message) => {
  if (message === 'close') void intake.close().then(() => process.exit(0));
  // This process's CPU time so far, every thread (signature checks run on libuv's pool): the bench takes it before and after posting.
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});
