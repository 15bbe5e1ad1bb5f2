// Products and their variants (prices per list), with each variant's stock per location and
// its ledger one click away; the detail edits title, description, status and the variants'
// prices (PATCH /products/{id}) for the roles that may.
import { useState } from 'preact/hooks';
import { patch, qs, type User } from '../api';
import { money, moneyInput, num, parseMoney } from '../format';
import { t } from '../i18n';
import { ACCESS, may } from '../roles';
import { BASE, navigate, useLocation } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, useApi, usePaged, useSubmit } from '../ui';
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

export function ProductDetail({ params, user }: { params: Record<string, string>; user: User }) {
  const r = useApi<Product>(`/api/v1/products/${encodeURIComponent(params.id)}`);
  const [sku, setSku] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState('');
  const canEdit = may(user.role, ACCESS.products);
  if (editing && r.data) {
    return <ProductEdit p={r.data} onCancel={() => setEditing(false)}
      onSaved={(p) => { r.setData(p); setEditing(false); setSaved(t('state.saved')); }} />;
  }
  return (
    <Async r={r}>{(p) => (
      <section>
        <PageHeader title={p.title}>
          {canEdit && <button type="button" class="primary" data-testid="product-edit" onClick={() => { setSaved(''); setEditing(true); }}>{t('product.edit')}</button>}
          <a href={`${BASE}/products`}>← {t('state.back')}</a>
        </PageHeader>
        {saved && <p class="form-ok" role="status">{saved}</p>}
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

type PriceRow = Variant['prices'][number];
const priceKey = (x: PriceRow) => `${x.price_list}/${x.min_qty}`;

// The edit form. Prices are sent per variant as the whole list (the API replaces a variant's
// prices), and only for variants whose prices changed; amounts are typed in the locale's
// format and parsed to minor units without floating point.
function ProductEdit({ p, onCancel, onSaved }: { p: Product; onCancel: () => void; onSaved: (p: Product) => void }) {
  const [title, setTitle] = useState(p.title);
  const [description, setDescription] = useState(p.description);
  const [status, setStatus] = useState(p.status);
  const [prices, setPrices] = useState<Record<string, Record<string, string>>>(() =>
    Object.fromEntries(p.variants.map((v) => [v.sku, Object.fromEntries(v.prices.map((x) => [priceKey(x), moneyInput(x.amount_minor, x.currency)]))])));
  const s = useSubmit();
  const bad = p.variants.flatMap((v) => v.prices.filter((x) => parseMoney(prices[v.sku][priceKey(x)], x.currency) === null).map((x) => `${v.sku} ${priceKey(x)}`));
  const submit = (e: Event) => {
    e.preventDefault();
    if (bad.length) return;
    const body: Record<string, unknown> = {};
    if (title !== p.title) body.title = title;
    if (description !== p.description) body.description = description;
    if (status !== p.status) body.status = status;
    const variants = p.variants.flatMap((v) => {
      const next = v.prices.map((x) => ({ price_list: x.price_list, min_qty: x.min_qty, amount_minor: parseMoney(prices[v.sku][priceKey(x)], x.currency)! }));
      const changed = next.some((x, i) => x.amount_minor !== v.prices[i].amount_minor);
      return changed ? [{ sku: v.sku, prices: next }] : [];
    });
    if (variants.length) body.variants = variants;
    s.run(async () => {
      if (Object.keys(body).length === 0) { onCancel(); return; }
      onSaved(await patch<Product>(`/api/v1/products/${p.id}`, body));
    });
  };
  return (
    <section>
      <PageHeader title={t('product.editing', { title: p.title })} />
      <form class="card form" onSubmit={submit} data-testid="product-form">
        <label>{t('col.title')}<input name="title" required maxLength={255} value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} /></label>
        <label>{t('product.description')}<textarea name="description" rows={5} value={description} onInput={(e) => setDescription((e.target as HTMLTextAreaElement).value)} /></label>
        <label>{t('col.status')}
          <select name="status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="draft">draft</option><option value="active">active</option><option value="archived">archived</option>
          </select>
        </label>
        <h2>{t('product.prices')}</h2>
        {p.variants.every((v) => v.prices.length === 0) ? <Empty>{t('product.no_prices')}</Empty> : (
          <Table head={[t('col.sku'), '', t('product.price_list'), t('product.min_qty'), t('col.price')]} label={t('product.prices')}>
            {p.variants.flatMap((v) => v.prices.map((x) => {
              const k = priceKey(x);
              const value = prices[v.sku][k];
              const invalid = parseMoney(value, x.currency) === null;
              const id = `price-${v.sku}-${k}`.replace(/[^A-Za-z0-9_-]/g, '_');
              return (
                <tr key={`${v.sku}-${k}`}>
                  <td>{v.sku}</td><td>{Object.values(v.options).join(' / ')}</td><td>{x.price_list}</td><td class="num">{x.min_qty}</td>
                  <td><label class="sr-only" for={id}>{t('product.price_for', { sku: v.sku, list: x.price_list })}</label>
                    <span class="money-input"><input id={id} name={id} inputMode="decimal" required value={value} aria-invalid={invalid}
                      onInput={(e) => setPrices({ ...prices, [v.sku]: { ...prices[v.sku], [k]: (e.target as HTMLInputElement).value } })} />
                      <small>{x.currency}</small></span></td>
                </tr>
              );
            }))}
          </Table>
        )}
        {bad.length > 0 && <p class="form-error" role="alert">{t('product.bad_prices', { list: bad.join(', ') })}</p>}
        <div class="actions">
          <button type="submit" class="primary" disabled={s.busy || bad.length > 0}>{t('settings.save')}</button>
          <button type="button" onClick={onCancel}>{t('carrier.cancel')}</button>
        </div>
        <s.Feedback />
      </form>
    </section>
  );
}
