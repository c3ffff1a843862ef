import { describe, expect, it } from 'vitest';
import { redactPhones } from './redactPhones';

describe('redactPhones', () => {
  it('masks mobile and landline numbers however they are typed', () => {
    for (const [text, masked] of [
      ['请回电13812345678谢谢', '请回电***********谢谢'],
      ['电话 138 1234 5678', '电话 ***********'],
      ['座机0551-62345678', '座机***********'],
      ['全角１３８１２３４５６７８', '全角***********'],
      ['身份证340104199001011234', '身份证***********'],
    ]) {
      expect(redactPhones(text as string)).toBe(masked);
    }
  });

  it('leaves short numbers alone', () => {
    expect(redactPhones('等了2个小时，3号窗口，来回跑了3趟，2026年')).toBe('等了2个小时，3号窗口，来回跑了3趟，2026年');
  });
});
