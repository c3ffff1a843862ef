import { hashPin } from '../shared-node/adminPin';

/**
 * `npm run pin-hash -- 246810`: prints the adminPinHash for a hall config.
 * `npm run pin-hash -- --password 'secret'`: a staff password hash for the intake's staff directory.
 */
const [first = '', second = ''] = process.argv.slice(2);
if (first === '--password' && second.length >= 8) {
  console.log(hashPin(second));
} else if (/^\d{4,12}$/.test(first)) {
  console.log(hashPin(first));
} else {
  console.error('usage: npm run pin-hash -- <4–12 digit PIN>   |   npm run pin-hash -- --password <at least 8 characters>');
  process.exit(2);
}
