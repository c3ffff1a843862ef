import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './unavailable';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('knows a database that cannot be reached or will not take work now', () => {
    for (const error of [coded('ECONNREFUSED'), coded('ECONNRESET'), coded('ENOTFOUND'), coded('57P01'), coded('57P03'), coded('53300'), coded('08006'), coded('08001'), coded('SQLITE_BUSY'), new Error('Connection terminated unexpectedly'), new Error('timeout expired')]) {
      expect(isDatabaseUnavailable(error), String((error as { code?: string }).code ?? error.message)).toBe(true);
    }
  });

  it('leaves errors of the request or of the code alone', () => {
    for (const error of [coded('23505'), coded('22021'), coded('42P01'), coded('40001'), new Error('Connection refused by the rules'), new Error('the timeout expired for the export'), new Error('timeout exceeded when trying to connect'), new TypeError('x is undefined'), 'ECONNREFUSED', null, undefined, { code: 8006 }]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});
