// Logistics: shipments (print the label, ship), pick lists (print) and returns.
import { useState } from 'preact/hooks';
import { openPdf, post, qs, type User } from '../api';
import { dateTime, money, num } from '../format';
import { t } from '../i18n';
import { BASE, navigate, useLocation } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, errorText, usePaged } from '../ui';

interface Shipment { id: number; order_id: number; order_number: string; location: string; status: string; carrier: string; service: string; tracking_number: string | null; tracking_url: string | null; has_label: boolean; parcels: number; weight_g: number; ship_to: { name: string; city: string; country: string }; lines: { sku: string; qty: number }[]; created_at: string }
interface PickList { id: number; location: string; open: boolean; shipment_ids: number[]; lines: { sku: string; bin: string; qty: number; description: string }[]; created_at: string }
interface Return { id: number; number: string; order_id: number; order_number?: string; status: string; requested_minor?: number; currency?: string; customer_email?: string; created_at: string }

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

export function Returns(_: { user: User }) {
  const list = usePaged<Return>('/api/v1/returns?limit=50');
  return (
    <section>
      <PageHeader title={t('nav.returns')} />
      <Async r={list}>{() => list.items.length === 0 ? <Empty /> : (
        <>
          <Table head={[t('col.number'), t('col.order'), t('col.date'), t('col.status'), t('col.amount')]} label={t('nav.returns')}>
            {list.items.map((r) => (
              <tr key={r.id}>
                <td>{r.number}</td><td><a href={`${BASE}/orders/${r.order_id}`}>{r.order_number ?? r.order_id}</a></td><td>{dateTime(r.created_at)}</td>
                <td><Badge value={r.status} kind="plain" /></td><td class="num">{r.requested_minor !== undefined ? money(r.requested_minor, r.currency ?? 'EUR') : '—'}</td>
              </tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </section>
  );
}
