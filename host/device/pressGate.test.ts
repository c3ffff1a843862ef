import { describe, expect, it } from 'vitest';
import { createPressGate } from './pressGate';

describe('press gate', () => {
  const rig = () => {
    let t = 0;
    const gate = createPressGate(() => t, 1000);
    return { gate, tick: (ms: number) => (t += ms) };
  };

  it('refuses every press while no rating page is connected, even on a rating screen it last reported', () => {
    const { gate } = rig();
    expect(gate.decide()).toEqual({ kind: 'refused', reason: 'noPage' });
    gate.connections(1);
    gate.screen('rating');
    gate.connections(0);
    expect(gate.decide()).toEqual({ kind: 'refused', reason: 'noPage' });
    gate.connections(1);
    expect(gate.decide()).toEqual({ kind: 'ignored', reason: 'notRating' });
  });

  it('takes one press per rating screen', () => {
    const { gate, tick } = rig();
    gate.connections(1);
    gate.screen('rating');
    const verdicts = Array.from({ length: 600 }, () => {
      tick(5);
      return gate.decide().kind;
    });
    expect(verdicts.filter((k) => k === 'deliver')).toHaveLength(1);
    // The same screen reported again is not a new screen.
    gate.screen('rating');
    expect(gate.decide()).toEqual({ kind: 'ignored', reason: 'alreadyPressed' });
    gate.screen('thanks');
    expect(gate.decide()).toEqual({ kind: 'ignored', reason: 'notRating' });
    gate.screen('rating');
    expect(gate.decide()).toEqual({ kind: 'deliver' });
  });

  it('delivers at most one press a second however fast the screens flap', () => {
    const { gate, tick } = rig();
    gate.connections(1);
    const delivered = Array.from({ length: 100 }, () => {
      gate.screen('rating');
      tick(50);
      const kind = gate.decide().kind;
      gate.screen('idle');
      return kind;
    }).filter((k) => k === 'deliver');
    expect(delivered).toHaveLength(5); // 5 s of flapping
  });
});
