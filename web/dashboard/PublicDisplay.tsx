import type { PublicDisplayResponse, PublicRow } from '../../contract/dashboard';
import { publicChannelRows } from './channelRows';
import { CountsTable, type Column } from './CountsTable';
import type { DashboardApi } from './dashboardApi';
import { goodBadSeries } from './goodBadSeries';
import { HotWordLists } from './HotWordLists';
import { LazyBarChart } from './LazyBarChart';
import { percent } from './period';
import { useRefreshing } from './useRefreshing';


function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="figure">
      <div className="figure-value">{value}</div>
      <div className="figure-label">{label}</div>
    </div>
  );
}

const WINDOW_COLUMNS: Array<Column<PublicRow>> = [
  ['评价数', (r) => r.total],
  ['好评', (r) => r.good],
  ['差评', (r) => r.bad],
  ['好评率', (r) => percent(r.goodRate)],
];

const CHANNEL_COLUMNS: Array<Column<ReturnType<typeof publicChannelRows>[number]>> = [['评价数', (r) => r.counted]];

function Display({ data }: { data: PublicDisplayResponse }) {
  const t = data.totals;
  return (
    <>
      <div className="figures">
        <Figure label="评价总数" value={String(t.total)} />
        <Figure label="好评" value={String(t.good)} />
        <Figure label="差评" value={String(t.bad)} />
        <Figure label="好评率" value={percent(t.goodRate)} />
        <Figure label="差评整改完成率" value={percent(data.tickets.completionRate)} />
        <Figure label="按期整改率" value={percent(data.tickets.onTimeRate)} />
        <Figure label="回访满意率" value={percent(data.tickets.satisfactionRate)} />
        <Figure label="申诉后不计入" value={String(t.excludedAfterAppeal)} />
      </div>
      <div className="panels">
        <section className="panel" aria-label="各部门评价">
          <h2>各部门评价</h2>
          <LazyBarChart
            title="各部门好评与差评数"
            labels={data.departments.map((d) => d.label)}
            series={goodBadSeries(data.departments)}
            stacked
            horizontal
          />
        </section>
        <section className="panel">
          <CountsTable caption="各窗口评价" keyHeader="窗口" rows={data.windows} columns={WINDOW_COLUMNS} />
        </section>
        <section className="panel">
          <CountsTable caption="按评价渠道统计" keyHeader="渠道" rows={publicChannelRows(data.channels)} columns={CHANNEL_COLUMNS} />
        </section>
        <section className="panel">
          <HotWordLists good={data.hotWords.good} bad={data.hotWords.bad} />
        </section>
        <section className="panel" aria-label="差评整改情况">
          <h2>差评整改情况</h2>
          {data.rectifications.length === 0 ? (
            <p className="empty">暂无公开的整改结果</p>
          ) : (
            <ul className="comments">
              {data.rectifications.map((r, i) => (
                <li key={`${r.day}-${i}`}>
                  <span className="comment-day">{r.day}</span> {r.department ?? ''} {r.item ?? ''}：<q>{r.result}</q>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-label="群众评价">
          <h2>群众评价</h2>
          {data.comments.length === 0 ? (
            <p className="empty">暂无公开评价</p>
          ) : (
            <ul className="comments">
              {data.comments.map((c, i) => (
                <li key={`${c.day}-${i}`} className={c.polarity}>
                  <span className="comment-day">{c.day}</span> <span className="comment-kind">{c.polarity === 'good' ? '好评' : '差评'}</span>{' '}
                  <q>{c.text}</q>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </>
  );
}

export interface PublicDisplayProps {
  api: DashboardApi;
  hall: string;
  from: string;
  to: string;
  refreshMs: number;
}

/**
 * The hall screen anyone may see: counts and rates, hot words and comments citizens allowed to
 * be public. It reads only the public route, which holds no names, phones or private comments.
 */
export function PublicDisplay({ api, hall, from, to, refreshMs }: PublicDisplayProps) {
  const loaded = useRefreshing(() => api.publicDisplay({ hall, from, to }), `${hall}|${from}|${to}`, refreshMs);
  const data = loaded.state === 'ready' ? loaded.data : loaded.state === 'failed' ? loaded.data : undefined;
  return (
    <main className="dashboard public-display" data-screen="public-display">
      <header>
        <h1>政务服务“好差评”公示</h1>
        <p className="period">
          {hall} · {from} 至 {to}
        </p>
      </header>
      {loaded.state === 'failed' && <p role="alert">数据暂时无法更新：{loaded.error.message}</p>}
      {data ? <Display data={data} /> : loaded.state === 'loading' && <p aria-busy="true">加载中…</p>}
    </main>
  );
}
