import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AggregateRow, DashboardBucket, DashboardDimension, TicketFigures } from '../../contract/dashboard';
import { CountsTable, type Column } from './CountsTable';
import { channelRows, type ChannelRow } from './channelRows';
import { DashboardApiError, type DashboardApi } from './dashboardApi';
import { goodBadSeries } from './goodBadSeries';
import { HotWordLists } from './HotWordLists';
import { LazyBarChart } from './LazyBarChart';
import { dailyGoodBad, percent } from './period';
import { useRefreshing } from './useRefreshing';

const TOKEN_KEY = 'dashboard-token';

const DIMENSIONS: Array<[DashboardDimension, string]> = [
  ['dept', '部门'],
  ['window', '窗口'],
  ['staff', '工作人员'],
  ['item', '事项'],
  ['hall', '大厅'],
];
const BUCKETS: Array<[DashboardBucket, string]> = [
  ['total', '合计'],
  ['day', '按日'],
  ['week', '按周'],
  ['month', '按月'],
];

interface Filter {
  hall: string;
  from: string;
  to: string;
  by: DashboardDimension;
}

function TokenForm({ hall, onSubmit, error }: { hall: string; onSubmit: (token: string, hall: string) => void; error: string | null }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onSubmit(String(form.get('token') ?? '').trim(), String(form.get('hall') ?? '').trim());
  };
  return (
    <form className="token-form" onSubmit={submit} data-screen="dashboard-login">
      <h1>大厅评价看板</h1>
      <label>
        大厅编号
        <input name="hall" defaultValue={hall} required autoComplete="off" />
      </label>
      <label>
        访问令牌
        <input name="token" type="password" required autoComplete="off" />
      </label>
      {error && <p role="alert">{error}</p>}
      <button type="submit">进入</button>
    </form>
  );
}

function Summary({ row, tickets }: { row: AggregateRow | undefined; tickets: TicketFigures | undefined }) {
  const f = row?.followups;
  const items: Array<[string, string]> = [
    ['评价总数', String(row?.total ?? 0)],
    ['已评价', String(row?.rated ?? 0)],
    ['好评', String(row?.good ?? 0)],
    ['差评', String(row?.bad ?? 0)],
    ['好评率', percent(row?.goodRate ?? null)],
    ['未评价占比', percent(row?.unratedShare ?? null)],
    ['差评整改完成率', percent(f?.completionRate ?? null)],
    ['整改超期', String(f?.overdue ?? 0)],
    // 差评 judged 误评 / 恶意 by an upheld appeal: kept, shown here, out of the good rate.
    ['申诉后不计入', String(row?.excludedAfterAppeal ?? 0)],
    ['按期整改率', percent(tickets?.onTimeRate ?? null)],
    ['回访满意率', percent(tickets?.satisfactionRate ?? null)],
    ['申诉（成立/驳回/待审）', `${tickets?.appeals.filed ?? 0}（${tickets?.appeals.upheld ?? 0}/${tickets?.appeals.rejected ?? 0}/${tickets?.appeals.pending ?? 0}）`],
  ];
  return (
    <dl className="figures" aria-label="合计">
      {items.map(([label, value]) => (
        <div className="figure" key={label} data-figure={label}>
          <dd className="figure-value">{value}</dd>
          <dt className="figure-label">{label}</dt>
        </div>
      ))}
    </dl>
  );
}

const ROW_COLUMNS: Array<Column<AggregateRow>> = [
  ['评价总数', (r) => r.total],
  ['好评', (r) => r.good],
  ['差评', (r) => r.bad],
  ['未评价/拒评', (r) => r.unrated + r.declined],
  ['好评率', (r) => percent(r.goodRate)],
  ['差评整改', (r) => r.followups.opened],
  ['已整改', (r) => r.followups.closed],
  ['超期', (r) => r.followups.overdue],
  ['整改完成率', (r) => percent(r.followups.completionRate)],
];

const CHANNEL_COLUMNS: Array<Column<ChannelRow>> = [
  ['计入统计', (r) => r.counted],
  // Window QR ratings past a limit are kept and shown, never dropped.
  ['标记未计入', (r) => r.flagged ?? '—'],
];

function Board({ api, token, filter, onUnauthorised }: { api: DashboardApi; token: string; filter: Filter; onUnauthorised: (message: string) => void }) {
  const [exportBucket, setExportBucket] = useState<DashboardBucket>('total');
  const [exportError, setExportError] = useState<string | null>(null);
  const period = { hall: filter.hall, from: filter.from, to: filter.to };
  const loaded = useRefreshing(
    async () => {
      const [hall, byDimension, trend, words, channels] = await Promise.all([
        api.aggregates(token, { ...period, by: 'hall', bucket: 'total' }),
        api.aggregates(token, { ...period, by: filter.by, bucket: 'total' }),
        api.aggregates(token, { ...period, by: 'hall', bucket: 'day' }),
        api.hotWords(token, { ...period, limit: 20 }),
        api.channels(token, period),
      ]);
      return { hall: hall.rows[0], tickets: hall.tickets, rows: byDimension.rows, trend: dailyGoodBad(trend.rows, filter.from, filter.to), words, channels: channelRows(channels) };
    },
    JSON.stringify(filter),
    5 * 60_000,
  );
  const refused = loaded.state === 'failed' && loaded.error instanceof DashboardApiError && (loaded.error.status === 401 || loaded.error.status === 403) ? loaded.error.message : null;
  useEffect(() => {
    if (refused !== null) onUnauthorised(refused);
  }, [refused, onUnauthorised]);
  const data = loaded.state === 'ready' ? loaded.data : loaded.state === 'failed' ? loaded.data : undefined;
  const dimension = DIMENSIONS.find(([d]) => d === filter.by)?.[1] ?? filter.by;

  const exportCsv = async () => {
    setExportError(null);
    try {
      const { blob, fileName } = await api.exportCsv(token, { ...period, by: filter.by, bucket: exportBucket });
      const url = URL.createObjectURL(blob);
      const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setExportError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <>
      {loaded.state === 'failed' && <p role="alert">数据暂时无法读取：{loaded.error.message}</p>}
      {loaded.state === 'loading' && <p aria-busy="true">加载中…</p>}
      {data && (
        <>
          <Summary row={data.hall} tickets={data.tickets} />
          <div className="panels">
            <section className="panel" aria-label={`按${dimension}好评与差评`}>
              <h2>按{dimension}好评与差评</h2>
              <LazyBarChart
                title={`按${dimension}好评与差评数`}
                labels={data.rows.map((r) => r.label)}
                series={goodBadSeries(data.rows)}
                stacked
                horizontal
              />
            </section>
            <section className="panel" aria-label="每日趋势">
              <h2>每日趋势</h2>
              <LazyBarChart
                title="每日好评与差评数"
                kind="line"
                labels={data.trend.map((r) => r.day)}
                series={goodBadSeries(data.trend)}
              />
            </section>
          </div>
          <CountsTable caption={`按${dimension}统计`} keyHeader={dimension} rows={data.rows} columns={ROW_COLUMNS} />
          <CountsTable caption="按评价渠道统计" keyHeader="渠道" rows={data.channels} columns={CHANNEL_COLUMNS} />
          <HotWordLists good={data.words.good} bad={data.words.bad} />
          <div className="export">
            <label>
              导出周期
              <select value={exportBucket} onChange={(e) => setExportBucket(e.target.value as DashboardBucket)}>
                {BUCKETS.map(([b, label]) => (
                  <option key={b} value={b}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => void exportCsv()}>
              导出 CSV
            </button>
            {exportError && <span role="alert">导出失败：{exportError}</span>}
          </div>
        </>
      )}
    </>
  );
}

export interface ManagerDashboardProps {
  api: DashboardApi;
  storage: Storage;
  initial: { hall: string; from: string; to: string };
}

/**
 * The managers' dashboard: asks for the intake admin token or the hall's dashboard token (kept
 * for this browser tab only), then shows the hall's counts, rates, follow-ups and hot words.
 * The intake checks the token on every request; the page only carries it.
 */
export function ManagerDashboard({ api, storage, initial }: ManagerDashboardProps) {
  const [token, setToken] = useState<string | null>(() => storage.getItem(TOKEN_KEY));
  const [loginError, setLoginError] = useState<string | null>(null);
  const [filter, setFilter] = useState<Filter>({ ...initial, by: 'dept' });

  const signIn = (value: string, hall: string) => {
    storage.setItem(TOKEN_KEY, value);
    setLoginError(null);
    setFilter((f) => ({ ...f, hall }));
    setToken(value);
  };
  const signOut = useCallback(
    (message: string | null) => {
      storage.removeItem(TOKEN_KEY);
      setLoginError(message);
      setToken(null);
    },
    [storage],
  );

  if (!token || !filter.hall) return <TokenForm hall={filter.hall} onSubmit={signIn} error={loginError} />;
  const change = (patch: Partial<Filter>) => setFilter((f) => ({ ...f, ...patch }));
  return (
    <main className="dashboard manager-dashboard" data-screen="dashboard">
      <header>
        <h1>大厅评价看板 · {filter.hall}</h1>
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            从
            <input type="date" value={filter.from} max={filter.to} onChange={(e) => e.target.value && change({ from: e.target.value })} />
          </label>
          <label>
            至
            <input type="date" value={filter.to} min={filter.from} onChange={(e) => e.target.value && change({ to: e.target.value })} />
          </label>
          <label>
            维度
            <select value={filter.by} onChange={(e) => change({ by: e.target.value as DashboardDimension })}>
              {DIMENSIONS.map(([d, label]) => (
                <option key={d} value={d}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => signOut(null)}>
            退出
          </button>
        </form>
      </header>
      <Board api={api} token={token} filter={filter} onUnauthorised={signOut} />
    </main>
  );
}
