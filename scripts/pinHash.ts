import { hashPin } from '../host/adminPin';

/** `npm run pin-hash -- 246810`: prints the adminPinHash for a hall config. */
const pin = process.argv[2] ?? '';
if (!/^\d{4,12}$/.test(pin)) {
  console.error('usage: npm run pin-hash -- <4–12 digit PIN>');
  process.exit(2);
}
console.log(hashPin(pin));
