/**
 * The renderer's `zod` (vite.config.ts aliases the bare specifier here): zod's object parser
 * probes `new Function` at schema construction, which the kiosk's CSP (no 'unsafe-eval')
 * reports as a violation on every start. Jitless mode skips the probe; the host and intake
 * keep the faster compiled parser.
 */
import { config } from 'zod/v4';

config({ jitless: true });

export * from 'zod/v4';
