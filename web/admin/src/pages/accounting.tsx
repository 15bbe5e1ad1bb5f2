// Accounting: fiscal documents (download the FatturaPA XML and the PDF copy), payments,
// bank statement import (camt.053 XML or CSV, reported per entry) and the review list.
import { useState } from 'preact/hooks';
import { download, qs, request, type User } from '../api';
import { date, dateTime, money } from '../format';
import { t } from '../i18n';
import { BASE, navigate, useLocation } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, errorText, usePaged, useSubmit } from '../ui';

interface Doc { id: number; kind: string; number: string; order_id: number | null; order_number: string | null; issue_date: string; currency: string; customer_name: string; total_minor: number; sdi_status: string; file_name: string | null }
interface Payment { id: number; order_id: number; order_number: string; method: string; status: string; amount_minor: number; captured_minor: number; refunded_minor: number; currency: string; created_at: string }
interface ReviewItem { id: number; reason: string; amount_minor: number; currency: string; description?: string; reference?: string; status: string; created_at: string }
interface ImportReport { matched: number; review: number; duplicate: number; ignored: number; entries: { index: number; outcome: string; order_number?: string; reason?: string; amount_minor?: number; currency?: string }[] }

export function Invoices(_: { user: User }) {
  const { search } = useLocation();
  const kind = search.get('kind') ?? '';
  const list = usePaged<Doc>(`/api/v1/invoices${qs({ kind, limit: 50 })}`);
  const [err, setErr] = useState('');
  const get = (d: Doc, ext: 'xml' | 'pdf') =>
    download(`/api/v1/invoices/${d.id}.${ext}`, ext === 'xml' && d.file_name ? d.file_name : `${d.number}.${ext}`).catch((e) => setErr(errorText(e)));
  return (
    <section>
      <PageHeader title={t('nav.invoices')}>
        <label>{t('col.kind')}{' '}
          <select value={kind} onChange={(e) => navigate(`/invoices${qs({ kind: (e.target as HTMLSelectElement).value })}`)}>
            <option value="">{t('filter.all')}</option><option value="invoice">invoice</option><option value="receipt">receipt</option><option value="credit_note">credit note</option>
          </select>
        </label>
      </PageHeader>
      {err && <p class="form-error" role="alert">{err}</p>}
      <Async r={list}>{() => list.items.length === 0 ? <Empty /> : (
        <>
          <Table head={[t('col.number'), t('col.kind'), t('col.date'), t('col.customer'), t('col.order'), 'SdI', t('col.total'), t('invoice.download')]} label={t('nav.invoices')}>
            {list.items.map((d) => (
              <tr key={d.id}>
                <td>{d.number}</td><td>{d.kind.replace('_', ' ')}</td><td>{date(d.issue_date)}</td><td>{d.customer_name}</td>
                <td>{d.order_id ? <a href={`${BASE}/orders/${d.order_id}`}>{d.order_number}</a> : '—'}</td>
                <td><Badge value={d.sdi_status} kind="plain" /></td>
                <td class="num">{money(d.total_minor, d.currency)}</td>
                <td class="actions">
                  {d.file_name && <button type="button" onClick={() => get(d, 'xml')}>{t('invoice.xml')}</button>}
                  <button type="button" onClick={() => get(d, 'pdf')}>{t('invoice.pdf')}</button>
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

export function Payments(_: { user: User }) {
  const list = usePaged<Payment>('/api/v1/payments?limit=50');
  const review = usePaged<ReviewItem>('/api/v1/payments/review?limit=50');
  const [report, setReport] = useState<ImportReport | null>(null);
  const s = useSubmit();
  const upload = (e: Event) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem('statement') as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    s.run(async () => {
      const xml = file.name.toLowerCase().endsWith('.xml');
      const r = await request<ImportReport>('POST', '/api/v1/payments/statements', { raw: await file.text(), rawType: xml ? 'application/xml' : 'text/csv' });
      setReport(r);
      list.reload();
      review.reload();
      return t('pay.imported');
    });
  };
  return (
    <section>
      <PageHeader title={t('nav.payments')} />
      <form class="card form inline" onSubmit={upload}>
        <h2>{t('pay.import')}</h2>
        <label>{t('pay.file')}<input type="file" name="statement" accept=".xml,.csv,application/xml,text/csv" required /></label>
        <button type="submit" class="primary" disabled={s.busy}>{t('pay.submit')}</button>
        <s.Feedback />
        {report && (
          <p>matched {report.matched} · review {report.review} · duplicate {report.duplicate} · ignored {report.ignored}</p>
        )}
      </form>
      <div class="card">
        <h2>{t('pay.review')}</h2>
        <Async r={review}>{() => review.items.length === 0 ? <Empty /> : (
          <Table head={[t('col.date'), t('col.reason'), t('col.reference'), t('col.amount')]} label={t('pay.review')}>
            {review.items.map((r) => <tr key={r.id}><td>{dateTime(r.created_at)}</td><td>{r.reason.replace(/_/g, ' ')}</td><td class="wrap">{r.description ?? r.reference ?? ''}</td><td class="num">{money(r.amount_minor, r.currency)}</td></tr>)}
          </Table>
        )}</Async>
      </div>
      <div class="card">
        <h2>{t('nav.payments')}</h2>
        <Async r={list}>{() => list.items.length === 0 ? <Empty /> : (
          <>
            <Table head={[t('col.date'), t('col.order'), t('col.method'), t('col.status'), t('col.amount'), 'Captured', 'Refunded']} label={t('nav.payments')}>
              {list.items.map((p) => (
                <tr key={p.id}>
                  <td>{dateTime(p.created_at)}</td><td><a href={`${BASE}/orders/${p.order_id}`}>{p.order_number}</a></td>
                  <td>{p.method.replace('_', ' ')}</td><td><Badge value={p.status} kind="plain" /></td>
                  <td class="num">{money(p.amount_minor, p.currency)}</td><td class="num">{money(p.captured_minor, p.currency)}</td><td class="num">{money(p.refunded_minor, p.currency)}</td>
                </tr>
              ))}
            </Table>
            <MoreButton next={list.next} busy={list.busy} onClick={list.loadMore} />
          </>
        )}</Async>
      </div>
    </section>
  );
}
