import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { HallConfigError, readHallConfig } from '../host/hallConfigFile';
import { parseCommandLine } from '../shared-node/commandLine';
import { provisionHall } from './provisioning';
import { findCjkFont } from './windowPoster';

const HELP = `Usage: npm run provision -- kiosk-config/<hall>.json [options]

Writes, for every device of the hall (or those named), a bundle with a fresh single-use enrolment
token, one A4 poster per window, and for the intake the hashes of the tokens.

Options:
  --out DIR              output folder (default provisioned/<hall code>); owner-only
  --token-ttl-days N     days an enrolment token is accepted (default 14, at most 365)
  --device ID            only this device (repeatable); the other devices keep their tokens
  --force                write over an earlier run's output
  --rotate               devices already enrolled get tokens that replace their keys
  --font FILE            a CJK font for the PDF posters (.ttf, or .ttc with --font-face NAME)
  -h, --help             this text`;
function hallFile(arg: string): string {
  for (const candidate of [arg, `${arg}.json`, path.join(arg, 'hall.json')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`no hall config at ${arg} (tried ${arg}, ${arg}.json and ${path.join(arg, 'hall.json')})`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine(HELP, {
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      'token-ttl-days': { type: 'string', default: '14' },
      device: { type: 'string', multiple: true },
      force: { type: 'boolean', default: false },
      rotate: { type: 'boolean', default: false },
      font: { type: 'string' },
      'font-face': { type: 'string' },
    },
  });
  const [target, ...extra] = positionals;
  if (!target || extra.length > 0) {
    console.error(`name one hall config\n\n${HELP}`);
    process.exit(2);
  }
  const ttlDays = Number(values['token-ttl-days']);
  if (!Number.isFinite(ttlDays) || ttlDays <= 0 || ttlDays > 365) throw new Error('--token-ttl-days must be between 0 and 365');
  const font = values.font ? { file: values.font, ...(values['font-face'] ? { face: values['font-face'] } : {}) } : findCjkFont();
  if (!font) throw new Error('no CJK font found for the PDF posters: pass --font <file.ttf|.ttc> (and --font-face for a .ttc)');

  const hall = readHallConfig(hallFile(target));
  const outDir = values.out ?? path.join('provisioned', hall.hall.code);
  const result = await provisionHall(hall, {
    outDir,
    tokenTtlMs: ttlDays * 24 * 3600 * 1000,
    font,
    force: values.force,
    rotate: values.rotate,
    ...(values.device ? { deviceIds: values.device } : {}),
  });
  console.log(`provisioned ${hall.hall.name} (${hall.hall.code}) into ${outDir}`);
  for (const b of result.bundles) {
    const minted = result.minted.find((m) => m.deviceId === b.deviceId);
    const kind = minted ? (minted.purpose === 'rotate' ? 'new key rotation token' : 'new enrolment token') : 'kept its token (use --rotate for a new one)';
    console.log(`  device ${b.deviceId} (window ${b.windowNo}): ${b.file}  ${kind}, expires ${b.enrolmentTokenExpiresAt}`);
  }
  for (const p of result.posters) console.log(`  poster window ${p.windowNo}: ${p.svg}, ${p.pdf}  rating page ${p.ratingUrl}`);
  console.log(`  for the intake: ${result.tokensFile}  (npm run intake -- --enrolment-tokens-file ${result.tokensFile})`);
  console.log(`  for the intake, case events of host-less tablets: ${result.caseEventTokensFile}  (npm run intake -- --case-event-tokens-file ${result.caseEventTokensFile})`);
  console.log('  copy each device folder to its device only: a bundle holds that device\'s secrets.');
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
}

main().catch((error: unknown) => {
  if (error instanceof HallConfigError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
