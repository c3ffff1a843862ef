import type { HotWord } from '../../contract/dashboard';

function WordList({ title, words, tone }: { title: string; words: HotWord[]; tone: 'good' | 'bad' }) {
  return (
    <section className={`hot-words ${tone}`} aria-label={title}>
      <h3>{title}</h3>
      {words.length === 0 ? (
        <p className="empty">暂无</p>
      ) : (
        <ol>
          {words.map((w) => (
            <li key={w.word}>
              <span className="word">{w.word}</span> <span className="count">{w.count}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** 好评/差评 hot words of public comments, side by side. */
export function HotWordLists({ good, bad }: { good: HotWord[]; bad: HotWord[] }) {
  return (
    <div className="hot-word-lists">
      <WordList title="好评热词" words={good} tone="good" />
      <WordList title="差评热词" words={bad} tone="bad" />
    </div>
  );
}
