// Orders: the list with filters (status, channel, customer e-mail, SKU, dates) and a search
// box that understands an order number or an e-mail; the detail with lines, totals,
// addresses, timeline and the transitions the state machine allows from the current status.
import { useState } from 'preact/hooks';
import { post, qs, type User } from '../api';
import { dateTime, money, percentBp } from '../format';
import { t, tDynamic } from '../i18n';
import { BASE, navigate, useLocation } from '../router';
import { ACCESS, may } from '../roles';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, useApi, usePaged, useSubmit } from '../ui';

export interface Address { name: string; line1: string; line2?: string | null; city: string; postal_code?: string | null; province?: string | null; country: string }
export interface Order {
  id: number; number: string; channel: string; status: string; payment_status: string; fulfillment_status: string;
  customer: { email: string; name: string | null; phone: string | null; company: { name: string; vat_number?: string } | null };
  billing_address: Address | null; shipping_address: Address | null;
  lines: { line_no: number; sku: string; qty: number; unit_price_minor: number; discount_minor: number; vat_rate_bp: number; amount_minor: number }[];
  currency: string; notes: string; payment_method: string; shipping_method: string;
  totals: { lines_minor: number; discount_minor: number; shipping_minor: number; taxable_minor: number; vat_minor: number; total_minor: number; vat: { rate_bp: number; taxable_minor: number; vat_minor: number }[] };
  timeline?: { at: string; from: string | null; to: string; note: string }[];
  created_at: string;
}

export const STATUSES = ['pending_payment', 'confirmed', 'paid', 'fulfilling', 'partially_shipped', 'shipped', 'delivered', 'completed', 'on_hold', 'cancelled'];

// The order state machine's manual moves (orders.cc kTransitions, minus the shipment states
// fulfilment sets). The server enforces it; this only decides which buttons to show.
const MOVES: Record<string, string[]> = {
  pending_payment: ['confirmed', 'paid', 'on_hold', 'cancelled'],
  confirmed: ['paid', 'fulfilling', 'on_hold', 'cancelled'],
  paid: ['fulfilling', 'on_hold', 'cancelled'],
  fulfilling: ['on_hold'],
  on_hold: ['pending_payment', 'confirmed', 'paid', 'fulfilling', 'cancelled'],
};
const MANAGERS = ['admin', 'manager', 'customer_care', 'accounting'];
// Statuses after which goods may come back (returns need shipped quantities).
const SHIPPED = ['partially_shipped', 'shipped', 'delivered', 'completed'];
const RETURN_REASONS = ['damaged', 'wrong_item', 'not_as_described', 'changed_mind', 'too_late', 'other'];

function filtersFrom(search: URLSearchParams) {
  return {
    status: search.get('status') ?? '', channel: search.get('channel') ?? '', email: search.get('email') ?? '',
    sku: search.get('sku') ?? '', from: search.get('from') ?? '', to: search.get('to') ?? '', q: search.get('q') ?? '',
  };
}

// "WEB-000042" or "42" finds an order by number, "x@y" by customer e-mail.
function apiQuery(f: ReturnType<typeof filtersFrom>) {
  let email = f.email;
  const q = f.q.trim();
  if (q.includes('@')) email = q;
  const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).toISOString() : undefined);
  const dayEnd = (d: string) => (d ? new Date(new Date(`${d}T00:00:00`).getTime() + 86_400_000).toISOString() : undefined);
  return `/api/v1/orders${qs({ status: f.status, channel: f.channel, email, sku: f.sku, from: dayStart(f.from), to: dayEnd(f.to), limit: 50 })}`;
}

export function Orders(_: { user: User }) {
  const { search } = useLocation();
  const f = filtersFrom(search);
  const [draft, setDraft] = useState(f);
  const list = usePaged<Order>(apiQuery(f));
  const q = f.q.trim();
  const numberLike = q && !q.includes('@') ? q.toUpperCase() : '';
  const items = numberLike ? list.items.filter((o) => o.number.toUpperCase().includes(numberLike) || String(o.id) === q) : list.items;
  const apply = (e: Event) => {
    e.preventDefault();
    navigate(`/orders${qs(draft)}`);
  };
  const field = (k: keyof typeof draft) => ({
    value: draft[k], onInput: (e: Event) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value }),
  });
  return (
    <section>
      <PageHeader title={t('nav.orders')} />
      <form class="filters card" onSubmit={apply} role="search">
        <label class="grow">{t('filter.search')}<input type="search" name="q" placeholder="WEB-000001, mario@example.com" {...field('q')} /></label>
        <label>{t('filter.status')}
          <select name="status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: (e.target as HTMLSelectElement).value })}>
            <option value="">{t('filter.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{tDynamic('status', s)}</option>)}
          </select>
        </label>
        <label>{t('col.channel')}<input name="channel" {...field('channel')} /></label>
        <label>{t('filter.sku')}<input name="sku" {...field('sku')} /></label>
        <label>{t('filter.from')}<input type="date" name="from" {...field('from')} /></label>
        <label>{t('filter.to')}<input type="date" name="to" {...field('to')} /></label>
        <div class="filter-buttons">
          <button type="submit" class="primary">{t('filter.apply')}</button>
          <button type="button" onClick={() => { setDraft(filtersFrom(new URLSearchParams())); navigate('/orders'); }}>{t('filter.reset')}</button>
        </div>
      </form>
      <Async r={list}>{() => items.length === 0 ? <Empty /> : (
        <>
          <Table head={[t('col.number'), t('col.date'), t('col.customer'), t('col.channel'), t('col.status'), t('col.payment'), t('col.total')]} label={t('nav.orders')}>
            {items.map((o) => (
              <tr key={o.id}>
                <td><a href={`${BASE}/orders/${o.id}`}>{o.number}</a></td>
                <td>{dateTime(o.created_at)}</td>
                <td>{o.customer.name || o.customer.email}<br /><small>{o.customer.email}</small></td>
                <td>{o.channel}</td>
                <td><span class="badge-wrap" data-status={o.status}><Badge value={o.status} /></span></td>
                <td><Badge value={o.payment_status} kind="plain" /></td>
                <td class="num">{money(o.totals.total_minor, o.currency)}</td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </section>
  );
}

function AddressBlock({ a }: { a: Address | null }) {
  if (!a) return <p>—</p>;
  return <address>{a.name}<br />{a.line1}{a.line2 ? <><br />{a.line2}</> : null}<br />{[a.postal_code, a.city, a.province].filter(Boolean).join(' ')}<br />{a.country}</address>;
}

export function OrderDetail({ params, user }: { params: Record<string, string>; user: User }) {
  const r = useApi<Order>(`/api/v1/orders/${encodeURIComponent(params.id)}`);
  return <Async r={r}>{(o) => <OrderView o={o} user={user} onChange={r.setData} />}</Async>;
}

function OrderView({ o, user, onChange }: { o: Order; user: User; onChange: (o: Order) => void }) {
  const [note, setNote] = useState('');
  const submit = useSubmit();
  const moves = MANAGERS.includes(user.role) ? MOVES[o.status] ?? [] : [];
  const act = (to: string) => submit.run(async () => {
    if (to === 'cancelled' && !confirm(t('order.cancel_confirm'))) return;
    const updated = to === 'cancelled'
      ? await post<Order>(`/api/v1/orders/${o.id}/cancel`, note ? { note } : {})
      : await post<Order>(`/api/v1/orders/${o.id}/status`, note ? { status: to, note } : { status: to });
    onChange(updated);
    setNote('');
    return t('order.updated', { s: tDynamic('status', updated.status) });
  });
  return (
    <section class="order">
      <PageHeader title={t('order.title', { n: o.number })}>
        <a href={`${BASE}/orders`}>← {t('state.back')}</a>
      </PageHeader>
      <p class="order-meta">
        <span data-testid="order-status" data-status={o.status}><Badge value={o.status} /></span> <Badge value={o.payment_status} kind="plain" /> <Badge value={o.fulfillment_status} kind="plain" />
        {' '}· {dateTime(o.created_at)} · {o.channel} · {o.payment_method.replace(/_/g, ' ')}
      </p>
      <div class="grid2">
        <div class="card">
          <h2>{t('col.customer')}</h2>
          <p>{o.customer.name}<br /><a href={`${BASE}/orders?email=${encodeURIComponent(o.customer.email)}`}>{o.customer.email}</a>{o.customer.phone && <><br />{o.customer.phone}</>}{o.customer.company && <><br />{o.customer.company.name} {o.customer.company.vat_number}</>}</p>
          <div class="grid2 tight">
            <div><h3>{t('order.billing')}</h3><AddressBlock a={o.billing_address} /></div>
            <div><h3>{t('order.shipping_addr')}</h3><AddressBlock a={o.shipping_address} /></div>
          </div>
          {o.notes && <p class="note">{o.notes}</p>}
        </div>
        <div class="card">
          <h2>{t('order.actions')}</h2>
          {moves.length === 0 ? <p>{t('order.no_actions')}</p> : (
            <>
              <label>{t('order.note')}<input value={note} maxLength={500} onInput={(e) => setNote((e.target as HTMLInputElement).value)} /></label>
              <div class="actions">
                {moves.map((m) => (
                  <button key={m} type="button" data-action={m} class={m === 'cancelled' ? 'danger' : 'primary'} disabled={submit.busy} onClick={() => act(m)}>
                    {tDynamic('action', m)}
                  </button>
                ))}
              </div>
            </>
          )}
          <submit.Feedback />
        </div>
      </div>
      <div class="card">
        <h2>{t('order.lines')}</h2>
        <Table head={[t('col.sku'), t('col.qty'), t('col.price'), t('order.discount'), t('col.vat'), t('col.amount')]} label={t('order.lines')}>
          {o.lines.map((l) => (
            <tr key={l.line_no}>
              <td><a href={`${BASE}/stock?sku=${encodeURIComponent(l.sku)}`}>{l.sku}</a></td>
              <td class="num">{l.qty}</td><td class="num">{money(l.unit_price_minor, o.currency)}</td>
              <td class="num">{money(l.discount_minor, o.currency)}</td><td class="num">{percentBp(l.vat_rate_bp)}</td>
              <td class="num">{money(l.amount_minor, o.currency)}</td>
            </tr>
          ))}
        </Table>
        <dl class="totals">
          <dt>{t('order.subtotal')}</dt><dd>{money(o.totals.lines_minor, o.currency)}</dd>
          {o.totals.discount_minor > 0 && <><dt>{t('order.discount')}</dt><dd>−{money(o.totals.discount_minor, o.currency)}</dd></>}
          <dt>{t('order.shipping')}</dt><dd>{money(o.totals.shipping_minor, o.currency)}</dd>
          {o.totals.vat.map((v) => <><dt>{t('order.vat')} {percentBp(v.rate_bp)}</dt><dd>{money(v.vat_minor, o.currency)}</dd></>)}
          <dt class="grand">{t('order.total')}</dt><dd class="grand">{money(o.totals.total_minor, o.currency)}</dd>
        </dl>
      </div>
      {may(user.role, ACCESS.refunds) && <OrderPayments orderId={o.id} />}
      {may(user.role, ACCESS.returnDesk) && SHIPPED.includes(o.status) && <ReturnRequest o={o} />}
      <div class="card">
        <h2>{t('order.timeline')}</h2>
        <ol class="timeline">
          {(o.timeline ?? []).map((e, i) => (
            <li key={i}><time dateTime={e.at}>{dateTime(e.at)}</time> {e.from && <><Badge value={e.from} /> → </>}<Badge value={e.to} /> {e.note && <span class="muted">{e.note}</span>}</li>
          ))}
        </ol>
      </div>
    </section>
  );
}

interface OrderPayment { id: number; method: string; status: string; amount_minor: number; captured_minor: number; refunded_minor: number; currency: string }

// The order's payments with what was refunded, for the roles that may refund (the refund
// itself is on the payment's page).
function OrderPayments({ orderId }: { orderId: number }) {
  const r = useApi<{ items: OrderPayment[] }>(`/api/v1/payments?order_id=${orderId}`);
  return (
    <div class="card" data-testid="order-payments">
      <h2>{t('nav.payments')}</h2>
      <Async r={r}>{(d) => d.items.length === 0 ? <Empty /> : (
        <Table head={['#', t('col.method'), t('col.status'), t('col.amount'), t('pay.captured'), t('pay.refunded'), '']} label={t('nav.payments')}>
          {d.items.map((p) => (
            <tr key={p.id}>
              <td>{p.id}</td><td>{p.method.replace(/_/g, ' ')}</td><td><Badge value={p.status} /></td>
              <td class="num">{money(p.amount_minor, p.currency)}</td><td class="num">{money(p.captured_minor, p.currency)}</td>
              <td class="num">{money(p.refunded_minor, p.currency)}</td>
              <td><a class="button" href={`${BASE}/payments/${p.id}`}>{p.captured_minor > p.refunded_minor ? t('pay.refund') : t('pay.open')}</a></td>
            </tr>
          ))}
        </Table>
      )}</Async>
    </div>
  );
}

// Customer care opens a return (RMA) for some of the order's lines on the customer's behalf;
// the server checks each SKU's returnable quantity and names the offending line.
function ReturnRequest({ o }: { o: Order }) {
  const [rows, setRows] = useState(() => o.lines.map((l) => ({ sku: l.sku, max: l.qty, qty: '0', reason: 'damaged', note: '' })));
  const s = useSubmit();
  const set = (i: number, k: 'qty' | 'reason' | 'note') => (e: Event) => {
    const next = rows.slice();
    next[i] = { ...next[i], [k]: (e.target as HTMLInputElement).value };
    setRows(next);
  };
  const picked = rows.filter((r) => Number(r.qty) > 0);
  const submit = (e: Event) => {
    e.preventDefault();
    s.run(async () => {
      const lines = picked.map((r) => ({ sku: r.sku, qty: Number(r.qty), reason: r.reason, ...(r.note.trim() ? { note: r.note.trim() } : {}) }));
      const made = await post<{ id: number }>('/api/v1/returns', { order_id: o.id, lines });
      navigate(`/returns/${made.id}`);
    });
  };
  return (
    <form class="card form" onSubmit={submit} data-testid="return-request">
      <h2>{t('ret.request')}</h2>
      <Table head={[t('col.sku'), t('col.qty'), t('col.reason'), t('order.note')]} label={t('ret.request')}>
        {rows.map((r, i) => (
          <tr key={r.sku}>
            <td>{r.sku}</td>
            <td><input type="number" name={`return-qty-${r.sku}`} min={0} max={r.max} step={1} value={r.qty} onInput={set(i, 'qty')}
              aria-label={t('ret.qty_of', { sku: r.sku })} class="qty" /></td>
            <td><select name={`return-reason-${r.sku}`} value={r.reason} onChange={set(i, 'reason')} aria-label={t('col.reason')}>
              {RETURN_REASONS.map((x) => <option key={x} value={x}>{tDynamic('status', x)}</option>)}
            </select></td>
            <td><input name={`return-note-${r.sku}`} maxLength={1000} value={r.note} onInput={set(i, 'note')} aria-label={t('order.note')} /></td>
          </tr>
        ))}
      </Table>
      <div><button type="submit" class="primary" disabled={s.busy || picked.length === 0}>{t('ret.request_submit')}</button></div>
      <s.Feedback />
    </form>
  );
}
