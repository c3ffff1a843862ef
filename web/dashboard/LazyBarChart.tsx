import { lazy, Suspense } from 'react';
import type { BarChartProps } from './BarChart';

// Chart.js is loaded with the first chart, not with the page (nor ever with the kiosk).
const BarChart = lazy(() => import('./BarChart').then((m) => ({ default: m.BarChart })));

export function LazyBarChart(props: BarChartProps) {
  return (
    <Suspense fallback={<div className="chart chart-loading" aria-busy="true" />}>
      <BarChart {...props} />
    </Suspense>
  );
}
