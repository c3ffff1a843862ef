import { describe, expect, it } from 'vitest';
import { isDatabaseSetupError, isDatabaseUnavailable } from './unavailable';

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

describe('isDatabaseSetupError', () => {
  it('knows a database set up wrong for this node by its code, in whatever language the server words it', () => {
    for (const error of [coded('28P01', '用户 "intake" Password 认证失败'), coded('28000', 'no pg_hba.conf entry'), coded('3D000', '数据库 "haochaping" 不存在'), coded('42501'), new Error('The server does not support SSL connections')]) {
      expect(isDatabaseSetupError(error), String((error as { code?: string }).code ?? error.message)).toBe(true);
    }
  });

  it('leaves other errors alone', () => {
    for (const error of [coded('ECONNREFUSED'), coded('23505'), new Error('password reset link expired'), new Error('the SSLs'), null, 'SSL', { code: 28000 }]) {
      expect(isDatabaseSetupError(error)).toBe(false);
    }
  });
});
