import { describe, expect, it } from 'vitest';
import { commentWords, polarityOf } from './hotWords';

// Real-style comments as citizens leave them on hall PADs (punctuation, numbers, filler).
const GOOD = [
  '服务热情，效率很高，一次就办好了',
  '工作人员很耐心，讲解清楚，点赞！',
  '一次性告知需要的材料，非常满意',
  '办事效率很高，点赞',
  '网上办理很方便，不用跑腿',
];
const BAD = [
  '排队时间太长了，等了两个小时',
  '材料清单不清楚，来回跑了三趟',
  '窗口人员业务不熟练，办事效率低',
  '服务态度差，说话很冲',
  '排队太久，材料要求反复提交，电话13812345678',
];

function tally(comments: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of comments) for (const w of commentWords(c)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

describe('hot words', () => {
  it('counts the words citizens repeat, per polarity', () => {
    const good = tally(GOOD);
    const bad = tally(BAD);
    expect(good.get('效率')).toBe(2);
    expect(good.get('很高')).toBe(2);
    expect(good.get('赞')).toBe(2);
    expect(good.get('耐心')).toBe(1);
    expect(good.get('方便')).toBe(1);
    expect(bad.get('排队')).toBe(2);
    expect(bad.get('材料')).toBe(2);
    expect(bad.get('态度')).toBe(1);
    expect(bad.get('差')).toBe(1);
  });

  it('drops stop words, punctuation and meaningless single characters', () => {
    const words = [...tally([...GOOD, ...BAD]).keys()];
    for (const stop of ['一次', '就', '了', '很', '非常', '的', '，', '！', '办事', '窗口']) expect(words).not.toContain(stop);
    expect(words.every((w) => w.length >= 2 || ['赞', '差'].includes(w))).toBe(true);
  });

  it('keeps a negation with its word, so a complaint never reads as praise', () => {
    expect(commentWords('窗口人员业务不熟练')).toContain('不熟练');
    expect(commentWords('窗口人员业务不熟练')).not.toContain('熟练');
    expect(commentWords('材料清单不清楚')).toContain('不清楚');
  });

  it('never turns numbers a citizen typed (phone, ID, case number) into words', () => {
    const words = commentWords('请回电13812345678，身份证340104199001011234，办件号P2026112200012，电话１３９００００１１１１');
    expect(words.some((w) => /\d/.test(w))).toBe(false);
    expect(words).toContain('电话');
  });

  it('counts a word once per comment', () => {
    expect(commentWords('排队排队排队，还是排队').filter((w) => w === '排队')).toHaveLength(1);
  });

  it('splits good (3–5) from bad (1–2)', () => {
    expect([5, 4, 3, 2, 1].map(polarityOf)).toEqual(['good', 'good', 'good', 'bad', 'bad']);
  });
});
