import { createDashboardApi } from './dashboardApi';
import { ManagerDashboard } from './ManagerDashboard';
import { monthToDate } from './period';
import { PublicDisplay } from './PublicDisplay';
import { createWorkApi } from './workApi';
import { WorkQueue } from './WorkQueue';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * One page, three modes by path: /display is the public hall screen
 * (?hall=CODE[&from=&to=][&refresh=seconds]), /work the 差评 work queue, anything else the managers' dashboard. Without
 * from/to both show the current month so far.
 */
export function DashboardApp({ location, storage, now }: { location: Location; storage: Storage; now: Date }) {
  const params = new URLSearchParams(location.search);
  const month = monthToDate(now);
  const day = (name: string, fallback: string) => {
    const value = params.get(name);
    return value && DAY.test(value) ? value : fallback;
  };
  const period = { hall: params.get('hall') ?? '', from: day('from', month.from), to: day('to', month.to) };
  // The work queue of 差评 tickets: its own sign-in, Chinese unless ?lang=en.
  if (location.pathname.replace(/\/$/, '').endsWith('/work')) return <WorkQueue api={createWorkApi()} initialLanguage={params.get('lang') === 'en' ? 'en' : 'zh'} />;
  const api = createDashboardApi();
  if (location.pathname.replace(/\/$/, '').endsWith('/display')) {
    if (!period.hall) return <p role="alert">请在地址中指定大厅编号，例如 /display?hall=340104-001</p>;
    const refreshSeconds = Math.max(10, Number(params.get('refresh') ?? 60) || 60);
    return <PublicDisplay api={api} {...period} refreshMs={refreshSeconds * 1000} />;
  }
  return <ManagerDashboard api={api} storage={storage} initial={period} />;
}
