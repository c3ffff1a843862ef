import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { hashPin, PASSWORD_SCRYPT_N, PIN_SCRYPT_N } from '../shared-node/adminPin';

const HELP = `npm run pin-hash -- <PIN>                  the adminPinHash for a hall config or one device
npm run pin-hash -- --password '<password>' a staff password hash for the intake's staff directory

A PIN is 8 to 12 digits (10 or more recommended): a tablet's bundle carries its PIN hash, so
whoever takes the tablet can search every PIN offline; the hash costs scrypt N=2^17 a guess.
  --cost K   scrypt N = 2^K for the PIN (14–20, default 17); higher is slower on every unlock too
  -h, --help`;

/**
 * Prints the hash on stdout (nothing else, so it can be captured) and, on stderr, how long an
 * offline search of every PIN of that length would take at the cost measured here, one core.
 */
function main(argv: string[]): number {
  let values: { password?: string; cost?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { password: { type: 'string' }, cost: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.password !== undefined) {
    if (values.password.length < 8 || positionals.length > 0) {
      console.error(`a password has at least 8 characters\n\n${HELP}`);
      return 2;
    }
    console.log(hashPin(values.password, randomBytes(16), PASSWORD_SCRYPT_N));
    return 0;
  }
  const cost = values.cost === undefined ? Math.log2(PIN_SCRYPT_N) : Number(values.cost);
  const [pin, ...rest] = positionals;
  if (!Number.isInteger(cost) || cost < 14 || cost > 20) {
    console.error(`--cost is a whole number from 14 to 20\n\n${HELP}`);
    return 2;
  }
  if (pin === undefined || rest.length > 0 || !/^\d{8,12}$/.test(pin)) {
    console.error(`a PIN is 8 to 12 digits (a 4-digit PIN falls to an offline search of a taken tablet in minutes)\n\n${HELP}`);
    return 2;
  }
  const started = performance.now();
  const hash = hashPin(pin, randomBytes(16), 2 ** cost);
  const secondsPerGuess = (performance.now() - started) / 1000;
  console.log(hash);
  const days = (10 ** pin.length / 2) * secondsPerGuess / 86_400;
  const span = days >= 365 ? `${Math.round(days / 365).toLocaleString('en')} years` : `${Math.max(1, Math.round(days)).toLocaleString('en')} days`;
  console.error(`scrypt N=2^${cost}: ${secondsPerGuess.toFixed(2)} s a guess here; an offline search of ${pin.length}-digit PINs takes about ${span} on one such core (half the space, on average)`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
