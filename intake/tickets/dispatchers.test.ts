import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDispatcherGate } from './dispatchers';

const province = { id: 'province', name: '省好差评系统', token: 'province-dispatch-token-0123456789abcdef', halls: ['h1'] };
const hotline = { id: 'hotline', name: '12345', tokenHash: createHash('sha256').update('hotline-dispatch-token-0123456789abcdef').digest('hex'), halls: ['h1', 'h2'] };

describe('the dispatching systems and their tokens', () => {
  it('knows each system by its own token, a plain one or its SHA-256', () => {
    const gate = createDispatcherGate([province, hotline]);
    expect(gate.identify(province.token)?.id).toBe('province');
    expect(gate.identify('hotline-dispatch-token-0123456789abcdef')).toMatchObject({ id: 'hotline', halls: new Set(['h1', 'h2']) });
    expect(gate.identify(hotline.tokenHash)).toBeNull();
    expect(gate.identify(`${province.token}x`)).toBeNull();
    expect(gate.identify('')).toBeNull();
    expect(gate.identify(undefined)).toBeNull();
    expect(createDispatcherGate([]).identify(province.token)).toBeNull();
  });

  it('stops the intake at start for a short token, a repeated id, no halls, or both a token and a hash', () => {
    expect(() => createDispatcherGate([{ ...province, token: 'short' }])).toThrow('the dispatch token of province must be at least 32 characters');
    expect(() => createDispatcherGate([province, { ...hotline, id: 'province' }])).toThrow('every dispatcher id appears once');
    expect(() => createDispatcherGate([{ ...province, halls: [] }])).toThrow('halls');
    expect(() => createDispatcherGate([{ ...province, tokenHash: hotline.tokenHash }])).toThrow('exactly one of token and tokenHash');
    // Every problem of the list, each at its place in it.
    expect(() => createDispatcherGate([{ ...province, halls: [] }, { ...hotline, id: 'province', tokenHash: 'not hex' }])).toThrow(
      /^dispatchers: 0\.halls: [^;]+; 1\.tokenHash: [^;]+; \(list\): every dispatcher id appears once$/,
    );
    const { tokenHash: _hash, ...hotlineWithoutHash } = hotline;
    expect(() => createDispatcherGate([{ ...hotlineWithoutHash, tokenHash: createHash('sha256').update('').digest('hex') }])).toThrow('the tokenHash of hotline is the hash of an empty token');
  });

  it('stops the intake at start for a token two systems share, given plain or as its hash', () => {
    const { tokenHash: _hash, ...hotlineWithoutHash } = hotline;
    expect(() => createDispatcherGate([province, { ...hotlineWithoutHash, token: province.token }])).toThrow('province and hotline have the same token');
    const provinceHash = createHash('sha256').update(province.token).digest('hex');
    expect(() => createDispatcherGate([province, { ...hotline, tokenHash: provinceHash }])).toThrow('province and hotline have the same token');
  });
});
