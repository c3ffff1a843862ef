/**
 * Words too common in Chinese service comments to say anything on their own: function words,
 * pronouns, degree adverbs and filler. Kept short on purpose: a word that carries praise or a
 * complaint (慢, 态度, 热情) must never be here.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `的 了 着 过 和 与 及 或 而 但 但是 可是 就是 而且 并且 所以 因为 如果 虽然 还是 然后 这个 那个 这些 那些 这样 那样
  这里 那里 这次 一次 一个 一些 一点 一下 有点 有些 我 我们 你 你们 您 他 他们 她 它 大家 自己 咱们 是 有 没 没有 在 也 都
  就 还 又 再 才 很 非常 特别 比较 挺 太 真 真的 确实 实在 十分 更 最 都是 也是 不是 就是 还是 给 对 把 被 让 向 从 到 为 为了
  吗 吧 呢 啊 呀 哦 嗯 哈 啦 嘛 么 之 其 该 此 等 等等 什么 怎么 为什么 哪里 多少 已经 可以 能 能够 会 要 想 需要 觉得 感觉 今天
  昨天 明天 时候 我的 你的 他的 好了 了吧 现在 一直 总是 还有 以及 然而 其实 的话 而已 这么 那么 还要 一样 谢谢 感谢 评价 窗口 工作人员 办事 办理
  the a an and or but of to in on at for with is are was were be been it this that they we you i my very so`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/** Single characters that carry a judgement by themselves; other single characters are dropped. */
export const MEANINGFUL_SINGLE_CHARS: ReadonlySet<string> = new Set(['慢', '快', '差', '乱', '难', '累', '烦', '凶', '冷', '赞']);

/** Negations that are joined to the next word (不 + 熟练 → 不熟练). */
export const NEGATORS: ReadonlySet<string> = new Set(['不', '没', '未', '无', '别', '不太', '不够', '没有']);
