import { MEANINGFUL_SINGLE_CHARS, NEGATORS, STOP_WORDS } from './stopWords';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
// A word must have a Han character or a Latin letter; tokens with digits (phone numbers, case
// numbers, ID numbers a citizen typed into a comment) never become hot words.
const HAS_LETTER = /[\p{Script=Han}\p{L}]/u;
const HAS_DIGIT = /[\p{Nd}０-９]/u;

/**
 * The distinct words of one comment worth counting, in first-seen order. Each word counts once
 * per comment, so one long rant does not outweigh many short remarks.
 */
export function commentWords(comment: string): string[] {
  const words = new Set<string>();
  // A negator joins the word after it: 不熟练 must not count as praise for 熟练.
  let negator = '';
  for (const { segment, isWordLike } of segmenter.segment(comment.normalize('NFKC'))) {
    if (!isWordLike) {
      negator = '';
      continue;
    }
    if (NEGATORS.has(segment)) {
      negator = segment;
      continue;
    }
    const word = negator + segment.toLowerCase();
    negator = '';
    if (!HAS_LETTER.test(word) || HAS_DIGIT.test(word)) continue;
    if (STOP_WORDS.has(word)) continue;
    if ([...word].length < 2 && !MEANINGFUL_SINGLE_CHARS.has(word)) continue;
    words.add(word);
  }
  return [...words];
}

export type Polarity = 'good' | 'bad';

/** 好评 = levels 3–5, 差评 = levels 1–2 (国办发〔2019〕51号 five-level scale). */
export function polarityOf(level: number): Polarity {
  return level <= 2 ? 'bad' : 'good';
}
