// Dashboard: today's orders and revenue, the last 14 days as a chart, orders by status,
// low-stock SKUs and open chain failures — one request to GET /api/v1/dashboard.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { User } from '../api';
import { money, num, shortDay, dateTime } from '../format';
import { t, tDynamic } from '../i18n';
import { BASE } from '../router';
import { Async, Empty, PageHeader, Table, useApi } from '../ui';

export interface DashboardData {
  date: string;
  currency: string;
  today: { orders: number; revenue_minor: number };
  days: { date: string; orders: number; revenue_minor: number }[];
  by_status: { status: string; count: number }[];
  low_stock: { sku: string; title: string; on_hand: number; available: number }[];
  failures: { open: number; items: { id: number; subscriber: string; event_type: string; aggregate: string; aggregate_id: string; last_error: string; updated_at: string }[] };
  truncated: boolean;
}

export function Dashboard(_: { user: User }) {
  const offset = -new Date().getTimezoneOffset();
  const r = useApi<DashboardData>(`/api/v1/dashboard?tz_offset_minutes=${offset}`);
  return (
    <section class="dashboard">
      <PageHeader title={t('nav.dashboard')} />
      <Async r={r}>{(d) => <DashboardBody d={d} />}</Async>
    </section>
  );
}

function DashboardBody({ d }: { d: DashboardData }) {
  const maxStatus = Math.max(1, ...d.by_status.map((s) => s.count));
  return (
    <>
      {d.truncated && <p class="note">{t('dash.truncated')}</p>}
      <div class="kpis">
        <div class="card kpi" data-testid="kpi-orders"><span>{t('dash.orders_today')}</span><strong>{num(d.today.orders)}</strong></div>
        <div class="card kpi" data-testid="kpi-revenue"><span>{t('dash.revenue_today')}</span><strong>{money(d.today.revenue_minor, d.currency)}</strong></div>
        <div class="card kpi"><span>{t('dash.failures')}</span><strong class={d.failures.open ? 'bad' : ''}>{num(d.failures.open)}</strong></div>
        <div class="card kpi"><span>{t('dash.low_stock')}</span><strong class={d.low_stock.length ? 'warn' : ''}>{num(d.low_stock.length)}</strong></div>
      </div>
      <div class="grid2">
        <div class="card">
          <h2>{t('dash.last14')}</h2>
          <DaysChart days={d.days} currency={d.currency} />
        </div>
        <div class="card">
          <h2>{t('dash.by_status')}</h2>
          {d.by_status.length === 0 ? <Empty /> : (
            <ul class="bars" aria-label={t('dash.by_status')}>
              {d.by_status.map((s) => (
                <li key={s.status}>
                  <a href={`${BASE}/orders?status=${s.status}`}>{tDynamic('status', s.status)}</a>
                  <span class="bar" aria-hidden="true"><span class={`fill badge-${s.status}`} style={{ width: `${(100 * s.count) / maxStatus}%` }} /></span>
                  <span class="n">{num(s.count)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div class="card">
          <h2>{t('dash.low_stock')}</h2>
          {d.low_stock.length === 0 ? <Empty>{t('dash.no_low_stock')}</Empty> : (
            <Table head={[t('col.sku'), t('col.title'), t('col.on_hand'), t('col.available')]} label={t('dash.low_stock')}>
              {d.low_stock.map((s) => (
                <tr key={s.sku}>
                  <td><a href={`${BASE}/stock?sku=${encodeURIComponent(s.sku)}`}>{s.sku}</a></td>
                  <td>{s.title}</td><td class="num">{num(s.on_hand)}</td><td class="num">{num(s.available)}</td>
                </tr>
              ))}
            </Table>
          )}
        </div>
        <div class="card">
          <h2>{t('dash.failures')}</h2>
          {d.failures.items.length === 0 ? <Empty>{t('dash.no_failures')}</Empty> : (
            <Table head={[t('col.event'), t('col.error'), t('col.date')]} label={t('dash.failures')}>
              {d.failures.items.map((f) => (
                <tr key={f.id}>
                  <td><a href={`${BASE}/automations`}>{f.subscriber}</a><br /><small>{f.event_type} · {f.aggregate} {f.aggregate_id}</small></td>
                  <td class="wrap">{f.last_error}</td><td>{dateTime(f.updated_at)}</td>
                </tr>
              ))}
            </Table>
          )}
        </div>
      </div>
    </>
  );
}

// Orders (bars) and revenue (line) per day with uPlot: ~45 KB, canvas based, no inline
// scripts or styles (the CSP allows neither).
function DaysChart({ days, currency }: { days: DashboardData['days']; currency: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const xs = days.map((_, i) => i);
    const width = () => Math.max(260, el.current!.clientWidth);
    const bars = uPlot.paths.bars!({ size: [0.6, 40] });
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        scales: { x: { time: false }, rev: { auto: true } },
        legend: { show: true },
        axes: [
          { values: (_u, ticks) => ticks.map((i) => (days[i] ? shortDay(days[i].date) : '')) },
          { label: t('nav.orders'), values: (_u, ticks) => ticks.map((v) => num(v)) },
          { scale: 'rev', side: 1, grid: { show: false }, values: (_u, ticks) => ticks.map((v) => money(v, currency)) },
        ],
        series: [
          { label: t('col.date'), value: (_u, i) => (days[i] ? shortDay(days[i].date) : '') },
          { label: t('nav.orders'), fill: 'rgba(31,78,121,0.35)', stroke: '#1f4e79', paths: bars, points: { show: false },
            value: (_u, v) => num(v) },
          { label: t('col.total'), scale: 'rev', stroke: '#c0392b', width: 2, value: (_u, v) => money(v, currency) },
        ],
      },
      [xs, days.map((d) => d.orders), days.map((d) => d.revenue_minor)],
      el.current,
    );
    const ro = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    ro.observe(el.current);
    return () => { ro.disconnect(); plot.destroy(); };
  }, [days, currency]);
  return <div class="chart" ref={el} role="img" aria-label={t('dash.last14')} />;
}
