/**
 * The national 好差评 level and tag table: one source for the UI, the intake and the
 * province profiles. Levels follow the interface numbering (5 非常满意 … 1 非常不满意);
 * a province profile remaps where GB/T 39046 numbering is used.
 */
export const LEVELS = [5, 4, 3, 2, 1] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_NAMES_ZH: Record<Level, string> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};

/** 差评: the levels that open the details screen and a follow-up. */
export function isBadLevel(level: Level): boolean {
  return level <= 2;
}

export interface RatingTag {
  code: string;
  level: Level;
  nameZh: string;
}

const CURRENT_TAGS: ReadonlyArray<readonly [Level, string, string]> = [
  [5, '510', '一窗受理一次办结'],
  [5, '511', '先受理后补材料'],
  [5, '512', '不用提交证明'],
  [5, '513', '全程网上办理'],
  [5, '514', '手机办理'],
  [5, '515', '就近办理'],
  [5, '516', '无需材料直接办理'],
  [5, '517', '服务热情效率高'],
  [4, '406', '一张表单完成申报'],
  [4, '407', '在线提交材料窗口核验'],
  [4, '408', '一张清单告知全部材料'],
  [4, '409', '告知承诺减免材料'],
  [4, '410', '在线预约'],
  [4, '411', '跑大厅一次办完'],
  [4, '412', '自助机办理'],
  [4, '413', '服务态度较好'],
  [3, '307', '一次性告知补正材料'],
  [3, '308', '提供材料样本'],
  [3, '309', '承诺时间内办结'],
  [3, '310', '办事指南指引准确'],
  [3, '311', '按指南材料即可办理'],
  [3, '312', '快递送达'],
  [3, '313', '跑动次数与承诺一致'],
  [3, '314', '服务态度一般'],
  [2, '207', '没有提供材料样本'],
  [2, '208', '没有提供材料清单'],
  [2, '209', '未在承诺时间内办结'],
  [2, '210', '证明材料被要求多次提交'],
  [2, '211', '承诺网办但无法在线办理'],
  [2, '212', '预约后重复取号排队'],
  [2, '213', '窗口人员业务不熟练'],
  [2, '214', '服务态度生硬'],
  [1, '108', '指南外增加审批条件'],
  [1, '109', '需提供指南外材料'],
  [1, '110', '无理由超过法定时间'],
  [1, '111', '指南样本有错'],
  [1, '112', '承诺在线收取实际无法收取'],
  [1, '113', '多头跑窗口和部门'],
  [1, '114', '跑动次数与承诺不一致'],
  [1, '115', '服务态度差效率低'],
];

export const RATING_TAGS: readonly RatingTag[] = CURRENT_TAGS.map(([level, code, nameZh]) => ({
  code,
  level,
  nameZh,
}));

const TAG_BY_CODE = new Map(RATING_TAGS.map((tag) => [tag.code, tag]));

export function tagsForLevel(level: Level): RatingTag[] {
  return RATING_TAGS.filter((tag) => tag.level === level);
}

/** A tag code belongs to a level when its table entry says so. */
export function isTagOfLevel(code: string, level: Level): boolean {
  return TAG_BY_CODE.get(code)?.level === level;
}

/** Provincial cap on the free-text comment (the provincial rating page's limit). */
export const COMMENT_MAX_CHARS = 150;
