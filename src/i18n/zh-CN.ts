import { LEVEL_NAMES_ZH, RATING_TAGS } from '../../contract/ratingCodes';

/** Simplified Chinese, the default. Level and tag names come from the national code table. */
export const zhCN = {
  app: { title: '政务服务好差评' },
  idle: {
    welcome: '欢迎办事',
    window: '窗口',
    staffCardTitle: '窗口工作人员',
    staffNotSignedIn: '工作人员未登录',
    qrHint: '扫码评价本窗口服务',
    waiting: '办件受理或办结后将邀请您评价',
    hostOffline: '正在连接主机…',
    queued_one: '另有 {{count}} 件办件待评价',
    queued_other: '另有 {{count}} 件办件待评价',
  },
  rating: {
    prompt: '请您对我的服务进行评价',
    caseLine: '办件：{{taskName}}',
    staffLine: '工作人员：{{name}}',
    decline: '不评价',
    secondsLeft: '{{count}} 秒后自动结束',
    keyHint: '按键 {{key}}',
  },
  level: Object.fromEntries(Object.entries(LEVEL_NAMES_ZH)) as Record<string, string>,
  details: {
    title: '请告诉我们哪里不满意',
    chosen: '您的评价：{{level}}',
    tagsLabel: '不满意的原因（可多选）',
    commentLabel: '意见或建议（选填）',
    commentPlaceholder: '请输入您的意见',
    commentCount: '{{count}}/{{max}}',
    publicLabel: '允许公开我的评价内容',
    callbackLabel: '我希望工作人员回访我',
    phoneLabel: '联系电话',
    phoneInvalid: '请输入正确的手机或座机号码',
    back: '重新选择',
    submit: '提交评价',
  },
  saving: { text: '正在保存…' },
  saveFailed: { title: '评价暂未保存', text: '请稍候，系统正在重试。如持续出现，请联系工作人员。' },
  thanks: { title: '感谢您的评价！', text: '我们将不断改进服务' },
  tag: Object.fromEntries(RATING_TAGS.map((t) => [t.code, t.nameZh])) as Record<string, string>,
  language: { 'zh-CN': '中文', en: 'English' },
};

export type Resources = typeof zhCN;
