import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './unavailable';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('knows a database that cannot be reached or will not take work now', () => {
    for (const error of [coded('ECONNREFUSED'), coded('ECONNRESET'), coded('ETIMEDOUT'), coded('EHOSTUNREACH'), coded('ENETUNREACH'), coded('ENOTFOUND'), coded('EAI_AGAIN'), coded('EPIPE'), coded('57P01'), coded('57P02'), coded('57P03'), coded('53300'), coded('08006'), coded('08001'), coded('SQLITE_BUSY'), new Error('Connection terminated unexpectedly'), new Error('timeout expired'), new Error('Client has encountered a connection error and is not queryable'), new Error('Cannot use a pool after calling end on the pool')]) {
      expect(isDatabaseUnavailable(error), String((error as { code?: string }).code ?? error.message)).toBe(true);
    }
  });

  it('leaves errors of the request or of the code alone', () => {
    for (const error of [coded('23505'), coded('22021'), coded('42P01'), coded('40001'), new Error('Connection refused by the rules'), new Error('the export: Connection terminated by its reader'), new Error('why timeout expired'), new Error('timeout expired soon'), new Error('a Client has encountered a connection error'), new Error('a Cannot use a pool after calling end'), { message: { toString: () => 'Connection terminated' } }, new Error('the timeout expired for the export'), new Error('timeout exceeded when trying to connect'), new TypeError('x is undefined'), 'ECONNREFUSED', null, undefined, { code: 8006 }]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});
