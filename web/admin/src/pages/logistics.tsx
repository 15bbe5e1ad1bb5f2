// Logistics: shipments (print the label, ship), pick lists (print) and returns: the list and
// one return's detail with the RMA workflow — customer care authorizes, rejects, cancels and
// closes; logistics records the goods received and the inspection (which restocks and
// refunds through the chain).
import { useState } from 'preact/hooks';
import { openPdf, post, qs, type PageOf, type User } from '../api';
import { dateTime, money, moneyInput, num, parseMoney } from '../format';
import { t, tDynamic } from '../i18n';
import { ACCESS, may } from '../roles';
import { BASE, navigate, useLocation } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, errorText, useApi, usePaged, useSubmit } from '../ui';

interface Shipment { id: number; order_id: number; order_number: string; location: string; status: string; carrier: string; service: string; tracking_number: string | null; tracking_url: string | null; has_label: boolean; parcels: number; weight_g: number; ship_to: { name: string; city: string; country: string }; lines: { sku: string; qty: number }[]; created_at: string }
interface PickList { id: number; location: string; open: boolean; shipment_ids: number[]; lines: { sku: string; bin: string; qty: number; description: string }[]; created_at: string }
interface ReturnLine { line_no: number; sku: string; qty: number; reason: string; note: string; unit_refund_minor: number; received_qty: number }
interface Return {
  id: number; number: string; order_id: number; order_number: string; customer_email: string; source: string; status: string;
  currency: string; requested_minor: number; refund_minor: number; refunded_minor: number | null; refund_ref: string | null; return_by: string | null;
  lines: ReturnLine[]; inspected: { sku: string; qty: number; disposition: string; location: string }[];
  timeline?: { at: string; from: string | null; to: string; note: string }[]; created_at: string; updated_at: string;
}

const SHIPMENT_STATUSES = ['pending', 'picking', 'packed', 'shipped', 'delivered', 'cancelled', 'exception'];

export function Shipments({ user }: { user: User }) {
  const { search } = useLocation();
  const status = search.get('status') ?? '';
  const list = usePaged<Shipment>(`/api/v1/shipments${qs({ status, limit: 50 })}`);
  const [err, setErr] = useState('');
  const worker = user.role === 'admin' || user.role === 'logistics';
  const ship = async (s: Shipment) => {
    setErr('');
    try {
      await post(`/api/v1/shipments/${s.id}/ship`, s.status === 'packed' ? {} : { force: true });
      list.reload();
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <section>
      <PageHeader title={t('nav.shipments')}>
        <label>{t('filter.status')}{' '}
          <select value={status} onChange={(e) => navigate(`/shipments${qs({ status: (e.target as HTMLSelectElement).value })}`)}>
            <option value="">{t('filter.all')}</option>
            {SHIPMENT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </PageHeader>
      {err && <p class="form-error" role="alert">{err}</p>}
      <Async r={list}>{() => list.items.length === 0 ? <Empty /> : (
        <>
          <Table head={['#', t('col.order'), t('col.date'), t('col.customer'), t('col.status'), t('col.carrier'), t('col.tracking'), t('col.actions')]} label={t('nav.shipments')}>
            {list.items.map((s) => (
              <tr key={s.id}>
                <td>{s.id}</td><td><a href={`${BASE}/orders/${s.order_id}`}>{s.order_number}</a></td><td>{dateTime(s.created_at)}</td>
                <td>{s.ship_to.name}<br /><small>{s.ship_to.city} {s.ship_to.country}</small></td>
                <td><Badge value={s.status} kind="plain" /></td><td>{s.carrier} {s.service}</td>
                <td>{s.tracking_url ? <a href={s.tracking_url} target="_blank" rel="noopener noreferrer">{s.tracking_number}</a> : s.tracking_number ?? '—'}</td>
                <td class="actions">
                  {s.has_label && <button type="button" onClick={() => openPdf(`/api/v1/shipments/${s.id}/label.pdf`).catch((e) => setErr(errorText(e)))}>{t('ship.print')}</button>}
                  {worker && s.has_label && ['pending', 'picking', 'packed'].includes(s.status) && <button type="button" class="primary" onClick={() => ship(s)}>Ship</button>}
                </td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </section>
  );
}

export function PickLists(_: { user: User }) {
  const list = usePaged<PickList>('/api/v1/pick-lists?limit=50');
  const [err, setErr] = useState('');
  return (
    <section>
      <PageHeader title={t('nav.picklists')} />
      {err && <p class="form-error" role="alert">{err}</p>}
      <Async r={list}>{() => list.items.length === 0 ? <Empty /> : (
        <>
          <Table head={['#', t('col.location'), t('col.date'), t('nav.shipments'), t('col.qty'), t('col.status'), '']} label={t('nav.picklists')}>
            {list.items.map((p) => (
              <tr key={p.id}>
                <td>{p.id}</td><td>{p.location}</td><td>{dateTime(p.created_at)}</td><td class="num">{num(p.shipment_ids.length)}</td>
                <td class="num">{num(p.lines.reduce((n, l) => n + l.qty, 0))}</td><td>{p.open ? 'open' : 'closed'}</td>
                <td><button type="button" onClick={() => openPdf(`/api/v1/pick-lists/${p.id}.pdf`).catch((e) => setErr(errorText(e)))}>{t('ship.picklist')}</button></td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </section>
  );
}

const RETURN_STATUSES = ['requested', 'authorized', 'rejected', 'received', 'inspected', 'refunded', 'closed', 'cancelled'];

export function Returns(_: { user: User }) {
  const { search } = useLocation();
  const status = search.get('status') ?? '';
  const list = usePaged<Return>(`/api/v1/returns${qs({ status, limit: 50 })}`);
  return (
    <section>
      <PageHeader title={t('nav.returns')}>
        <label>{t('filter.status')}{' '}
          <select value={status} onChange={(e) => navigate(`/returns${qs({ status: (e.target as HTMLSelectElement).value })}`)}>
            <option value="">{t('filter.all')}</option>
            {RETURN_STATUSES.map((s) => <option key={s} value={s}>{tDynamic('status', s)}</option>)}
          </select>
        </label>
      </PageHeader>
      <Async r={list}>{() => list.items.length === 0 ? <Empty /> : (
        <>
          <Table head={[t('col.number'), t('col.order'), t('col.customer'), t('col.date'), t('col.status'), t('col.amount')]} label={t('nav.returns')}>
            {list.items.map((r) => (
              <tr key={r.id} data-testid="return-row">
                <td><a href={`${BASE}/returns/${r.id}`}>{r.number}</a></td>
                <td><a href={`${BASE}/orders/${r.order_id}`}>{r.order_number || r.order_id}</a></td>
                <td>{r.customer_email}</td><td>{dateTime(r.created_at)}</td>
                <td><Badge value={r.status} /></td><td class="num">{money(r.requested_minor, r.currency)}</td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </section>
  );
}

export function ReturnDetail({ params, user }: { params: Record<string, string>; user: User }) {
  const path = `/api/v1/returns/${encodeURIComponent(params.id)}`;
  const r = useApi<Return>(path);
  const desk = may(user.role, ACCESS.returnDesk);
  const dock = may(user.role, ACCESS.returnDock);
  return (
    <Async r={r}>{(x) => (
      <section>
        <PageHeader title={t('ret.title', { n: x.number })}><a href={`${BASE}/returns`}>← {t('state.back')}</a></PageHeader>
        <p class="order-meta">
          <span data-testid="return-status" data-status={x.status}><Badge value={x.status} /></span> · {t('col.order')}{' '}
          <a href={`${BASE}/orders/${x.order_id}`}>{x.order_number}</a> · {x.customer_email} · {dateTime(x.created_at)}
          {x.return_by && <> · {t('ret.return_by', { d: dateTime(x.return_by) })}</>}
        </p>
        <div class="grid2">
          <div class="card">
            <h2>{t('order.lines')}</h2>
            <Table head={[t('col.sku'), t('col.qty'), t('ret.received'), t('col.reason'), t('col.amount')]} label={t('order.lines')}>
              {x.lines.map((l) => (
                <tr key={l.line_no}><td>{l.sku}</td><td class="num">{l.qty}</td><td class="num">{l.received_qty}</td>
                  <td class="wrap-narrow">{tDynamic('status', l.reason)}{l.note && <><br /><small>{l.note}</small></>}</td>
                  <td class="num">{money(l.unit_refund_minor * l.qty, x.currency)}</td></tr>
              ))}
            </Table>
            <dl class="totals">
              <dt>{t('ret.requested')}</dt><dd>{money(x.requested_minor, x.currency)}</dd>
              <dt>{t('ret.refund')}</dt><dd>{money(x.refund_minor, x.currency)}</dd>
              <dt class="grand">{t('pay.refunded')}</dt><dd class="grand">{money(x.refunded_minor, x.currency)}</dd>
            </dl>
            {x.inspected.length > 0 && (
              <>
                <h3>{t('ret.inspection')}</h3>
                <ul>{x.inspected.map((i, k) => <li key={k}>{i.sku} × {i.qty}: {tDynamic('status', i.disposition)} → {i.location}</li>)}</ul>
              </>
            )}
          </div>
          <ReturnActions x={x} desk={desk} dock={dock} onChange={r.setData} />
        </div>
        <div class="card">
          <h2>{t('order.timeline')}</h2>
          <ol class="timeline">
            {(x.timeline ?? []).map((e, i) => (
              <li key={i}><time dateTime={e.at}>{dateTime(e.at)}</time> {e.from && <><Badge value={e.from} /> → </>}<Badge value={e.to} /> {e.note && <span class="muted">{e.note}</span>}</li>
            ))}
          </ol>
        </div>
      </section>
    )}</Async>
  );
}

// The moves the RMA allows from its status, for the role that makes them (routes_returns.cc).
function ReturnActions({ x, desk, dock, onChange }: { x: Return; desk: boolean; dock: boolean; onChange: (r: Return) => void }) {
  const [note, setNote] = useState('');
  const s = useSubmit();
  const call = (action: string, body: unknown, confirmText?: string) => s.run(async () => {
    if (confirmText && !confirm(confirmText)) return;
    const updated = await post<Return>(`/api/v1/returns/${x.id}/${action}`, body);
    onChange(updated);
    setNote('');
    return t('ret.updated', { s: tDynamic('status', updated.status) });
  });
  const withNote = () => (note.trim() ? { note: note.trim() } : {});
  const canClose = x.status === 'refunded' || (x.status === 'inspected' && x.refund_minor === 0);
  const deskMoves = desk && (x.status === 'requested' || x.status === 'authorized' || canClose);
  const canReceive = dock && (x.status === 'authorized' || x.status === 'received');
  const canInspect = dock && x.status === 'received';
  return (
    <div class="card" data-testid="return-actions">
      <h2>{t('order.actions')}</h2>
      {!deskMoves && !canReceive && !canInspect && !(desk && x.status === 'inspected') && <p>{t('order.no_actions')}</p>}
      {deskMoves && (
        <>
          <label>{x.status === 'requested' ? t('ret.note_or_reason') : t('order.note')}
            <input name="note" maxLength={1000} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} /></label>
          <div class="actions">
            {x.status === 'requested' && <button type="button" class="primary" data-action="authorize" disabled={s.busy} onClick={() => call('authorize', withNote())}>{t('ret.authorize')}</button>}
            {x.status === 'requested' && <button type="button" class="danger" data-action="reject" disabled={s.busy || !note.trim()}
              title={note.trim() ? undefined : t('ret.reason_needed')} onClick={() => call('reject', { reason: note.trim() })}>{t('ret.reject')}</button>}
            {(x.status === 'requested' || x.status === 'authorized') && <button type="button" class="danger" data-action="cancel" disabled={s.busy}
              onClick={() => call('cancel', withNote(), t('ret.cancel_confirm'))}>{t('ret.cancel')}</button>}
            {canClose &&
              <button type="button" class="primary" data-action="close" disabled={s.busy} onClick={() => call('close', withNote())}>{t('ret.close')}</button>}
          </div>
        </>
      )}
      {desk && x.status === 'inspected' && x.refund_minor > 0 && <p class="muted">{t('ret.refund_pending')}</p>}
      {canReceive && <ReceiveForm x={x} busy={s.busy} onSubmit={(lines) => call('receive', { lines })} />}
      {canInspect && <InspectForm x={x} busy={s.busy} onSubmit={(body) => call('inspect', body)} />}
      <s.Feedback />
    </div>
  );
}

function ReceiveForm({ x, busy, onSubmit }: { x: Return; busy: boolean; onSubmit: (lines: { sku: string; qty: number }[]) => void }) {
  const open = x.lines.filter((l) => l.received_qty < l.qty);
  const [qty, setQty] = useState<Record<string, string>>(() => Object.fromEntries(open.map((l) => [l.sku, String(l.qty - l.received_qty)])));
  if (open.length === 0) return null;
  const submit = (e: Event) => {
    e.preventDefault();
    const lines = open.map((l) => ({ sku: l.sku, qty: Number(qty[l.sku] || 0) })).filter((l) => l.qty > 0);
    if (lines.length) onSubmit(lines);
  };
  return (
    <form class="form" onSubmit={submit} data-testid="receive-form">
      <h3>{t('ret.receive')}</h3>
      {open.map((l) => (
        <label key={l.sku}>{t('ret.received_of', { sku: l.sku, n: l.qty - l.received_qty })}
          <input type="number" name={`receive-${l.sku}`} min={0} max={l.qty - l.received_qty} step={1} value={qty[l.sku]}
            onInput={(e) => setQty({ ...qty, [l.sku]: (e.target as HTMLInputElement).value })} /></label>
      ))}
      <div><button type="submit" class="primary" disabled={busy}>{t('ret.receive_submit')}</button></div>
    </form>
  );
}

// One disposition per SKU (all its received units restocked, written off as damaged, or kept
// in the returns area), to a location from the locations list.
function InspectForm({ x, busy, onSubmit }: { x: Return; busy: boolean; onSubmit: (body: unknown) => void }) {
  const got = x.lines.filter((l) => l.received_qty > 0);
  const locations = useApi<PageOf<{ code: string; name: string }>>('/api/v1/locations?limit=500');
  const [rows, setRows] = useState<Record<string, { disposition: string; location: string }>>(() =>
    Object.fromEntries(got.map((l) => [l.sku, { disposition: 'restock', location: '' }])));
  const [refund, setRefund] = useState('');
  const [note, setNote] = useState('');
  const refundMinor = refund.trim() === '' ? undefined : parseMoney(refund, x.currency);
  const submit = (e: Event) => {
    e.preventDefault();
    if (refundMinor === null) return;
    const lines = got.map((l) => ({ sku: l.sku, qty: l.received_qty, ...rows[l.sku] }));
    onSubmit({ lines, ...(refundMinor !== undefined ? { refund_minor: refundMinor } : {}), ...(note.trim() ? { note: note.trim() } : {}) });
  };
  const value = got.reduce((n, l) => n + l.received_qty * l.unit_refund_minor, 0);
  return (
    <form class="form" onSubmit={submit} data-testid="inspect-form">
      <h3>{t('ret.inspect')}</h3>
      <datalist id="return-locations">{(locations.data?.items ?? []).map((l) => <option key={l.code} value={l.code}>{l.name}</option>)}</datalist>
      {got.map((l) => (
        <fieldset key={l.sku} class="inline-fields">
          <legend>{l.sku} × {l.received_qty}</legend>
          <label>{t('ret.disposition')}
            <select name={`disposition-${l.sku}`} value={rows[l.sku].disposition}
              onChange={(e) => setRows({ ...rows, [l.sku]: { ...rows[l.sku], disposition: (e.target as HTMLSelectElement).value } })}>
              {['restock', 'damaged', 'returns'].map((d) => <option key={d} value={d}>{tDynamic('status', d)}</option>)}
            </select>
          </label>
          <label>{t('col.location')}
            <input name={`location-${l.sku}`} list="return-locations" required value={rows[l.sku].location}
              onInput={(e) => setRows({ ...rows, [l.sku]: { ...rows[l.sku], location: (e.target as HTMLInputElement).value } })} />
          </label>
        </fieldset>
      ))}
      <label>{t('ret.refund_amount', { currency: x.currency })}
        <input name="refund" inputMode="decimal" placeholder={moneyInput(value, x.currency)} value={refund} aria-invalid={refundMinor === null}
          onInput={(e) => setRefund((e.target as HTMLInputElement).value)} />
        <small>{t('ret.refund_hint', { amount: money(value, x.currency) })}</small>
      </label>
      <label>{t('order.note')}<input name="inspect_note" maxLength={1000} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} /></label>
      <div><button type="submit" class="primary" disabled={busy || refundMinor === null}>{t('ret.inspect_submit')}</button></div>
    </form>
  );
}
