// Customers: the API has no customer resource yet; a customer is the e-mail on orders, so
// this page finds one by e-mail and shows their orders, spend and returns at a glance.
import { useState } from 'preact/hooks';
import { qs, type User } from '../api';
import { dateTime, money, num } from '../format';
import { t } from '../i18n';
import { BASE, navigate, useLocation } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, usePaged } from '../ui';
import type { Order } from './orders';

export function Customers(_: { user: User }) {
  const { search } = useLocation();
  const email = search.get('email') ?? '';
  const [draft, setDraft] = useState(email);
  return (
    <section>
      <PageHeader title={t('nav.customers')} />
      <form class="filters card" role="search" onSubmit={(e) => { e.preventDefault(); navigate(`/customers${qs({ email: draft.trim() })}`); }}>
        <label class="grow">{t('filter.email')}<input type="email" name="email" required value={draft} placeholder="mario@example.com" onInput={(e) => setDraft((e.target as HTMLInputElement).value)} /></label>
        <div class="filter-buttons"><button type="submit" class="primary">{t('filter.search')}</button></div>
      </form>
      {email && <CustomerOrders email={email} />}
    </section>
  );
}

function CustomerOrders({ email }: { email: string }) {
  const list = usePaged<Order>(`/api/v1/orders${qs({ email, limit: 100 })}`);
  return (
    <Async r={list}>{() => {
      if (list.items.length === 0) return <Empty />;
      const o0 = list.items[0];
      const spent = new Map<string, number>();
      for (const o of list.items) if (o.status !== 'cancelled') spent.set(o.currency, (spent.get(o.currency) ?? 0) + o.totals.total_minor);
      return (
        <div class="card">
          <h2>{o0.customer.name || email}</h2>
          <p>{email}{o0.customer.phone && ` · ${o0.customer.phone}`} · {num(list.items.length)} {t('nav.orders').toLowerCase()} · {[...spent].map(([c, m]) => money(m, c)).join(' + ')}</p>
          <Table head={[t('col.number'), t('col.date'), t('col.status'), t('col.total')]} label={t('nav.orders')}>
            {list.items.map((o) => (
              <tr key={o.id}><td><a href={`${BASE}/orders/${o.id}`}>{o.number}</a></td><td>{dateTime(o.created_at)}</td><td><Badge value={o.status} /></td><td class="num">{money(o.totals.total_minor, o.currency)}</td></tr>
            ))}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </div>
      );
    }}</Async>
  );
}
