// Products and their variants (prices per list), with each variant's stock per location and
// its ledger one click away.
import { useState } from 'preact/hooks';
import { qs, type User } from '../api';
import { money, num } from '../format';
import { t } from '../i18n';
import { BASE, navigate, useLocation } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, useApi, usePaged } from '../ui';
import { StockPanel } from './stock';

export interface Variant { id: number; sku: string; gtin: string | null; options: Record<string, string>; vat_rate_bp: number; prices: { price_list: string; currency: string; amount_minor: number; min_qty: number }[] }
export interface Product { id: number; handle: string; title: string; brand: string; category: string; status: string; description: string; variants: Variant[] }

const defaultPrice = (v: Variant) => v.prices.find((p) => p.price_list === 'default' && p.min_qty === 1) ?? v.prices[0];

export function Products(_: { user: User }) {
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const status = search.get('status') ?? '';
  const [draft, setDraft] = useState(q);
  const list = usePaged<Product>(`/api/v1/products${qs({ q, status, limit: 50 })}`);
  return (
    <section>
      <PageHeader title={t('nav.products')} />
      <form class="filters card" role="search" onSubmit={(e) => { e.preventDefault(); navigate(`/products${qs({ q: draft, status })}`); }}>
        <label class="grow">{t('filter.search')}<input type="search" name="q" value={draft} placeholder="T-shirt, BF-11-1, 8000000000019" onInput={(e) => setDraft((e.target as HTMLInputElement).value)} /></label>
        <label>{t('filter.status')}
          <select value={status} onChange={(e) => navigate(`/products${qs({ q, status: (e.target as HTMLSelectElement).value })}`)}>
            <option value="">{t('filter.all')}</option><option value="active">active</option><option value="draft">draft</option><option value="archived">archived</option>
          </select>
        </label>
        <div class="filter-buttons"><button type="submit" class="primary">{t('filter.apply')}</button></div>
      </form>
      <Async r={list}>{() => list.items.length === 0 ? <Empty /> : (
        <>
          <Table head={[t('col.title'), t('col.brand'), t('col.category'), t('col.status'), t('col.variants'), t('col.price')]} label={t('nav.products')}>
            {list.items.map((p) => {
              const price = p.variants[0] && defaultPrice(p.variants[0]);
              return (
                <tr key={p.id}>
                  <td><a href={`${BASE}/products/${p.id}`}>{p.title}</a><br /><small>{p.handle}</small></td>
                  <td>{p.brand}</td><td>{p.category}</td><td><Badge value={p.status} kind="plain" /></td>
                  <td class="num">{num(p.variants.length)}</td>
                  <td class="num">{price ? money(price.amount_minor, price.currency) : '—'}</td>
                </tr>
              );
            })}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </section>
  );
}

export function ProductDetail({ params }: { params: Record<string, string>; user: User }) {
  const r = useApi<Product>(`/api/v1/products/${encodeURIComponent(params.id)}`);
  const [sku, setSku] = useState<string | null>(null);
  return (
    <Async r={r}>{(p) => (
      <section>
        <PageHeader title={p.title}><a href={`${BASE}/products`}>← {t('state.back')}</a></PageHeader>
        <p class="order-meta"><Badge value={p.status} kind="plain" /> · {p.brand} · {p.category}</p>
        {p.description && <p>{p.description}</p>}
        <div class="card">
          <h2>{t('product.variants')}</h2>
          <Table head={[t('col.sku'), 'GTIN', '', t('col.price'), t('col.vat'), '']} label={t('product.variants')}>
            {p.variants.map((v) => {
              const price = defaultPrice(v);
              return (
                <tr key={v.id} class={sku === v.sku ? 'selected' : ''}>
                  <td>{v.sku}</td><td>{v.gtin ?? '—'}</td>
                  <td>{Object.entries(v.options).map(([k, x]) => `${k}: ${x}`).join(', ')}</td>
                  <td class="num">{price ? money(price.amount_minor, price.currency) : '—'}</td>
                  <td class="num">{v.vat_rate_bp / 100}%</td>
                  <td><button type="button" onClick={() => setSku(v.sku)} aria-pressed={sku === v.sku}>{t('nav.stock')}</button></td>
                </tr>
              );
            })}
          </Table>
        </div>
        {sku && <StockPanel sku={sku} />}
      </section>
    )}</Async>
  );
}
