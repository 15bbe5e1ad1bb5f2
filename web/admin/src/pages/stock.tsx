// Stock: a SKU's balance per location and its ledger; stock moves (receipts, transfers,
// adjustments) and cycle counts; the locations list.
import { useState } from 'preact/hooks';
import { post, type User } from '../api';
import { dateTime, num } from '../format';
import { t } from '../i18n';
import { navigate, useLocation } from '../router';
import { Async, Empty, MoreButton, PageHeader, Table, useApi, usePaged, useSubmit } from '../ui';

interface StockLevel { sku: string; on_hand: number; reserved: number; available: number; locations: { location: string; kind: string; on_hand: number; reserved: number; available: number }[] }
interface Move { id: number; sku: string; qty: number; from: string; to: string; reason: string; reference: string; at: string }
interface Location { id: number; code: string; name: string; kind: string; parent: string | null; pick_order: number }

const REASONS = ['receipt', 'transfer', 'adjustment', 'cycle_count', 'return', 'damage', 'production', 'consumption', 'correction'];

// Remount (key) to reload after a move or count.
export function StockPanel({ sku }: { sku: string }) {
  const enc = encodeURIComponent(sku);
  const level = useApi<StockLevel>(`/api/v1/stock/${enc}`);
  const ledger = usePaged<Move>(`/api/v1/stock/${enc}/ledger?limit=20`);
  return (
    <div class="grid2">
      <div class="card">
        <h2>{t('product.stock')} · {sku}</h2>
        <Async r={level}>{(s) => s.locations.length === 0 ? <Empty>{t('stock.none')}</Empty> : (
          <Table head={[t('col.location'), t('col.on_hand'), t('col.reserved'), t('col.available')]} label={t('product.stock')}>
            {s.locations.map((l) => <tr key={l.location}><td>{l.location} <small>{l.kind}</small></td><td class="num">{num(l.on_hand)}</td><td class="num">{num(l.reserved)}</td><td class="num">{num(l.available)}</td></tr>)}
            <tr class="sum"><th scope="row">Σ</th><td class="num">{num(s.on_hand)}</td><td class="num">{num(s.reserved)}</td><td class="num">{num(s.available)}</td></tr>
          </Table>
        )}</Async>
      </div>
      <div class="card">
        <h2>{t('product.ledger')}</h2>
        <Async r={ledger}>{() => ledger.items.length === 0 ? <Empty /> : (
          <>
            <Table head={[t('col.date'), t('col.qty'), t('stock.from'), t('stock.to'), t('col.reason'), t('col.reference')]} label={t('product.ledger')}>
              {ledger.items.map((m) => <tr key={m.id}><td>{dateTime(m.at)}</td><td class="num">{num(m.qty)}</td><td>{m.from}</td><td>{m.to}</td><td>{m.reason}</td><td>{m.reference}</td></tr>)}
            </Table>
            <MoreButton next={ledger.next} busy={ledger.busy} onClick={ledger.loadMore} />
          </>
        )}</Async>
      </div>
    </div>
  );
}

export function Stock({ user }: { user: User }) {
  const { search } = useLocation();
  const sku = search.get('sku') ?? '';
  const [draft, setDraft] = useState(sku);
  const [round, setRound] = useState(0);
  const canWrite = ['admin', 'manager', 'logistics', 'purchasing'].includes(user.role);
  return (
    <section>
      <PageHeader title={t('nav.stock')} />
      <form class="filters card" role="search" onSubmit={(e) => { e.preventDefault(); navigate(`/stock?sku=${encodeURIComponent(draft.trim())}`); }}>
        <label class="grow">{t('stock.lookup')}<input name="sku" value={draft} required placeholder="BF-11-1" onInput={(e) => setDraft((e.target as HTMLInputElement).value)} /></label>
        <div class="filter-buttons"><button type="submit" class="primary">{t('filter.search')}</button></div>
      </form>
      {sku && <StockPanel key={`${sku}-${round}`} sku={sku} />}
      {canWrite && <div class="grid2"><MoveForm sku={sku} onDone={() => setRound(round + 1)} /><CountForm sku={sku} onDone={() => setRound(round + 1)} /></div>}
    </section>
  );
}

function val(e: Event) {
  return (e.target as HTMLInputElement).value;
}

function MoveForm({ sku, onDone }: { sku: string; onDone: () => void }) {
  const [m, setM] = useState({ sku, qty: '1', from: 'SUPPLIER', to: '', reason: 'receipt', reference: '' });
  const s = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    s.run(async () => {
      await post('/api/v1/stock/moves', { ...m, qty: Number(m.qty), reference: m.reference || undefined });
      onDone();
    });
  };
  return (
    <form class="card form" onSubmit={submit}>
      <h2>{t('stock.move')}</h2>
      <label>{t('col.sku')}<input required value={m.sku} onInput={(e) => setM({ ...m, sku: val(e) })} /></label>
      <label>{t('col.qty')}<input type="number" min={1} required value={m.qty} onInput={(e) => setM({ ...m, qty: val(e) })} /></label>
      <label>{t('stock.from')}<input required value={m.from} onInput={(e) => setM({ ...m, from: val(e) })} /></label>
      <label>{t('stock.to')}<input required value={m.to} placeholder="WH-BO-A01" onInput={(e) => setM({ ...m, to: val(e) })} /></label>
      <label>{t('col.reason')}<select value={m.reason} onChange={(e) => setM({ ...m, reason: val(e) })}>{REASONS.map((r) => <option key={r}>{r}</option>)}</select></label>
      <label>{t('col.reference')}<input value={m.reference} onInput={(e) => setM({ ...m, reference: val(e) })} /></label>
      <button type="submit" class="primary" disabled={s.busy}>{t('stock.submit_move')}</button>
      <s.Feedback />
    </form>
  );
}

function CountForm({ sku, onDone }: { sku: string; onDone: () => void }) {
  const [c, setC] = useState({ sku, location: '', counted: '0' });
  const s = useSubmit();
  const submit = (e: Event) => {
    e.preventDefault();
    s.run(async () => {
      await post('/api/v1/stock/counts', { ...c, counted: Number(c.counted) });
      onDone();
    });
  };
  return (
    <form class="card form" onSubmit={submit}>
      <h2>{t('stock.count')}</h2>
      <label>{t('col.sku')}<input required value={c.sku} onInput={(e) => setC({ ...c, sku: val(e) })} /></label>
      <label>{t('col.location')}<input required value={c.location} placeholder="WH-BO-A01" onInput={(e) => setC({ ...c, location: val(e) })} /></label>
      <label>{t('stock.counted')}<input type="number" min={0} required value={c.counted} onInput={(e) => setC({ ...c, counted: val(e) })} /></label>
      <button type="submit" class="primary" disabled={s.busy}>{t('stock.submit_count')}</button>
      <s.Feedback />
    </form>
  );
}

export function Locations(_: { user: User }) {
  const list = usePaged<Location>('/api/v1/locations?limit=200');
  return (
    <section>
      <PageHeader title={t('nav.locations')} />
      <Async r={list}>{() => list.items.length === 0 ? <Empty /> : (
        <>
          <Table head={[t('col.code'), t('col.name'), t('col.type'), 'Parent', 'Pick order']} label={t('nav.locations')}>
            {list.items.map((l) => <tr key={l.id}><td>{l.code}</td><td>{l.name}</td><td>{l.kind}</td><td>{l.parent ?? '—'}</td><td class="num">{l.pick_order}</td></tr>)}
          </Table>
          <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
        </>
      )}</Async>
    </section>
  );
}
