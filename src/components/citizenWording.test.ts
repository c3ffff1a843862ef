import { describe, expect, it } from 'vitest';
import type { StaffSession } from '../../contract/staffSession';
import { LEVELS } from '../../contract/ratingCodes';
import { keyHintFor, readsChinese, staffShownFor } from './citizenWording';

describe('keyHintFor', () => {
  it('names no key on a touch-only PAD or monitor', () => {
    for (const level of LEVELS) {
      expect(keyHintFor(level, { kind: 'pad' }, false)).toBeNull();
      expect(keyHintFor(level, { kind: 'monitor' }, false)).toBeNull();
    }
  });

  it('names digits on a keyboard evaluator without a key map and on a serial button box', () => {
    expect(keyHintFor(5, { kind: 'hid' }, false)).toBe('5');
    expect(keyHintFor(1, { kind: 'serial' }, false)).toBe('1');
    // A PAD whose host reports a button box attached (serial attachment on any kind).
    expect(keyHintFor(3, { kind: 'pad' }, true)).toBe('3');
  });

  it("names a keyboard evaluator's configured key, and none for a level it has no key for", () => {
    const device = { kind: 'hid' as const, hidKeys: { F9: 5 as const, F10: 1 as const } };
    expect(keyHintFor(5, device, false)).toBe('F9');
    expect(keyHintFor(1, device, false)).toBe('F10');
    expect(keyHintFor(3, device, false)).toBeNull();
  });
});

describe('staffShownFor', () => {
  const invitation = { staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' } };
  const lisi: StaffSession = { staff: { loginName: 'lisi', name: '李四', staffNo: 'A0456' }, pairedAtMs: 1, via: 'login-event' };

  it('names the staff member signed in at the window, as the idle card does', () => {
    expect(staffShownFor(invitation, lisi).name).toBe('李四');
  });

  it("names the case event's staff member when nobody is signed in", () => {
    expect(staffShownFor(invitation, null).name).toBe('张三');
  });
});

describe('readsChinese', () => {
  it('labels Chinese data for English, Uyghur and Tibetan readers only', () => {
    expect(['zh-CN', 'zh-TW', 'en', 'ug', 'bo'].filter((language) => !readsChinese(language))).toEqual(['en', 'ug', 'bo']);
  });
});
