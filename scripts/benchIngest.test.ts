import { describe, expect, it } from 'vitest';
import { databaseBound } from './benchIngest';

describe('databaseBound', () => {
  it('is the cores over the database CPU and one check per outcome', () => {
    // 250 µs of database CPU per outcome, checks at 16,000/s on 2 cores (125 µs of CPU each).
    expect(databaseBound({ outcomes: 20_000, cpu: { intake: 8, database: 5, client: 2 } }, 16_000, 2)).toBeCloseTo(2 / (250e-6 + 125e-6), 6);
  });

  it('falls as the database spends more per outcome, and reaches the ceiling only at none', () => {
    const at = (database: number) => databaseBound({ outcomes: 10_000, cpu: { intake: 1, database, client: 0 } }, 16_000, 2)!;
    expect(at(0)).toBeCloseTo(16_000, 6);
    expect(at(1)).toBeLessThan(at(0.5));
    // 60 % of the ceiling needs at most (1 / 0.6 - 1) × 2 / 16,000 s ≈ 83 µs of database CPU per outcome.
    expect(at(0.83) / 16_000).toBeGreaterThan(0.6);
    expect(at(0.85) / 16_000).toBeLessThan(0.6);
  });

  it('has no bound where the database runs inside the node', () => {
    expect(databaseBound({ outcomes: 100, cpu: { intake: 1, database: null, client: 0 } }, 16_000, 2)).toBeNull();
  });
});
