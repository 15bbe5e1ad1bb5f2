// Accounting: fiscal documents (download the FatturaPA XML and the PDF copy), payments,
// bank statement import (camt.053 XML or CSV, reported per entry), the review list, and a
// payment's detail with its refunds (issue one, confirm a manual one was paid back).
import { useState } from 'preact/hooks';
import { download, get, post, qs, request, type User } from '../api';
import { date, dateTime, money, moneyInput, parseMoney } from '../format';
import { t } from '../i18n';
import { ACCESS, may } from '../roles';
import { BASE, navigate, useLocation } from '../router';
import { Async, Badge, Empty, MoreButton, PageHeader, Table, errorText, useApi, usePaged, useSubmit } from '../ui';

interface Doc { id: number; kind: string; number: string; order_id: number | null; order_number: string | null; issue_date: string; currency: string; customer_name: string; total_minor: number; sdi_status: string; file_name: string | null }
interface Payment { id: number; order_id: number; order_number: string; method: string; status: string; amount_minor: number; captured_minor: number; refunded_minor: number; currency: string; created_at: string; provider_ref?: string; failure_reason?: string; captured_at?: string | null; refunds?: Refund[] }
interface Refund { id: number; payment_id: number; amount_minor: number; currency: string; reason: string; status: string; provider_ref: string; attempts: number; last_error: string; created_at: string; updated_at: string }
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
            <Table head={['#', t('col.date'), t('col.order'), t('col.method'), t('col.status'), t('col.amount'), t('pay.captured'), t('pay.refunded')]} label={t('nav.payments')}>
              {list.items.map((p) => (
                <tr key={p.id}>
                  <td><a href={`${BASE}/payments/${p.id}`} aria-label={t('pay.title', { n: p.id })}>{p.id}</a></td><td>{dateTime(p.created_at)}</td><td><a href={`${BASE}/orders/${p.order_id}`}>{p.order_number}</a></td>
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

// One payment: amounts, its refunds and a refund form. The amount is typed in the payment's
// currency as the user's locale writes it ("12,50"), parsed to minor units without floating
// point; the server refuses more than captured − refunded (422) whatever this page thinks.
export function PaymentDetail({ params, user }: { params: Record<string, string>; user: User }) {
  const path = `/api/v1/payments/${encodeURIComponent(params.id)}`;
  const r = useApi<Payment>(path);
  const canRefund = may(user.role, ACCESS.refunds);
  const [err, setErr] = useState('');
  // Refetched in place (not r.reload) so the forms and their messages stay on screen.
  const refresh = async () => r.setData(await get<Payment>(path));
  const confirmRefund = async (rf: Refund) => {
    setErr('');
    try {
      await post(`/api/v1/payments/refunds/${rf.id}/confirm`);
      await refresh();
    } catch (e) {
      setErr(errorText(e));
    }
  };
  return (
    <Async r={r}>{(p) => {
      const refundable = p.captured_minor - p.refunded_minor;
      const refunds = p.refunds ?? [];
      return (
        <section>
          <PageHeader title={t('pay.title', { n: p.id })}><a href={`${BASE}/payments`}>← {t('state.back')}</a></PageHeader>
          <p class="order-meta"><Badge value={p.status} /> · {p.method.replace('_', ' ')} · {t('col.order')} <a href={`${BASE}/orders/${p.order_id}`}>{p.order_number}</a></p>
          <div class="grid2">
            <div class="card">
              <dl class="totals" data-testid="payment-totals">
                <dt>{t('col.amount')}</dt><dd>{money(p.amount_minor, p.currency)}</dd>
                <dt>{t('pay.captured')}</dt><dd>{money(p.captured_minor, p.currency)}</dd>
                <dt>{t('pay.refunded')}</dt><dd data-testid="refunded-total">{money(p.refunded_minor, p.currency)}</dd>
                <dt class="grand">{t('pay.refundable')}</dt><dd class="grand">{money(refundable, p.currency)}</dd>
              </dl>
              <dl class="kv">
                <dt>{t('col.created')}</dt><dd>{dateTime(p.created_at)}</dd>
                {p.captured_at && <><dt>{t('pay.captured_at')}</dt><dd>{dateTime(p.captured_at)}</dd></>}
                {p.provider_ref && <><dt>{t('col.reference')}</dt><dd><code>{p.provider_ref}</code></dd></>}
                {p.failure_reason && <><dt>{t('col.error')}</dt><dd>{p.failure_reason}</dd></>}
              </dl>
            </div>
            {canRefund && (
              <div class="card">
                <h2>{t('pay.refund')}</h2>
                {refundable > 0
                  ? <RefundForm p={p} refundable={refundable} onDone={refresh} />
                  : <p class="muted">{p.captured_minor === 0 ? t('pay.not_captured') : t('pay.fully_refunded')}</p>}
              </div>
            )}
          </div>
          <div class="card">
            <h2>{t('pay.refunds')}</h2>
            {err && <p class="form-error" role="alert">{err}</p>}
            {refunds.length === 0 ? <Empty>{t('pay.no_refunds')}</Empty> : (
              <Table head={['#', t('col.date'), t('col.amount'), t('col.reason'), t('col.status'), t('col.reference'), t('col.error'), '']} label={t('pay.refunds')}>
                {refunds.map((rf) => (
                  <tr key={rf.id} data-testid="refund-row">
                    <td>{rf.id}</td><td>{dateTime(rf.created_at)}</td><td class="num">{money(rf.amount_minor, rf.currency)}</td>
                    <td class="wrap">{rf.reason || '—'}</td><td><Badge value={rf.status} /></td>
                    <td>{rf.provider_ref ? <code>{rf.provider_ref}</code> : '—'}</td><td class="wrap">{rf.last_error || '—'}</td>
                    <td>{canRefund && rf.status === 'pending_manual' &&
                      <button type="button" onClick={() => confirmRefund(rf)}>{t('pay.confirm_refund')}</button>}</td>
                  </tr>
                ))}
                <tr class="sum"><th scope="row" colSpan={2}>{t('pay.refunded')}</th><td class="num">{money(p.refunded_minor, p.currency)}</td><td colSpan={5} /></tr>
              </Table>
            )}
            {refunds.some((rf) => rf.status === 'pending_manual') && <p class="muted">{t('pay.manual_hint')}</p>}
          </div>
        </section>
      );
    }}</Async>
  );
}

function RefundForm({ p, refundable, onDone }: { p: Payment; refundable: number; onDone: () => Promise<void> }) {
  const [amount, setAmount] = useState(moneyInput(refundable, p.currency));
  const [reason, setReason] = useState('');
  const s = useSubmit();
  const parsed = parseMoney(amount, p.currency);
  const invalid = parsed === null || parsed <= 0 || parsed > refundable;
  const submit = (e: Event) => {
    e.preventDefault();
    if (invalid) return;
    const sum = money(parsed, p.currency);
    if (!confirm(t('pay.refund_confirm', { amount: sum }))) return;
    s.run(async () => {
      await post(`/api/v1/payments/${p.id}/refunds`, reason.trim() ? { amount_minor: parsed, reason: reason.trim() } : { amount_minor: parsed });
      setAmount('');
      setReason('');
      await onDone().catch(() => undefined);
      return t('pay.refund_done', { amount: sum });
    });
  };
  return (
    <form class="form" onSubmit={submit} data-testid="refund-form">
      <label>{t('pay.refund_amount', { currency: p.currency })}
        <input name="amount" inputMode="decimal" autoComplete="off" required value={amount} aria-invalid={invalid && amount.trim() !== ''}
          aria-describedby="refund-hint" onInput={(e) => setAmount((e.target as HTMLInputElement).value)} />
        <small id="refund-hint">{parsed === null && amount.trim() !== '' ? t('pay.amount_invalid') : t('pay.refund_max', { amount: money(refundable, p.currency) })}</small>
      </label>
      <label>{t('col.reason')}<input name="reason" maxLength={255} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} /></label>
      <div><button type="submit" class="primary" disabled={s.busy || invalid}>{t('pay.refund_submit')}</button></div>
      <s.Feedback />
    </form>
  );
}
