// Issuing a fiscal document: validation, the gap-free number, the files, the event.
#include <algorithm>
#include <cstdio>

#include "fatturapa_xml.h"
#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/invoicing/fatturapa.h"
#include "fondaco/invoicing/identifiers.h"
#include "fondaco/platform/json.h"
#include "pdf.h"
#include "store.h"

namespace fondaco::invoicing {
namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool is_upper_alpha(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}
bool is_upper_alnum(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

Result<void> text_field(const std::string& v, std::size_t max, const std::string& field) {
  if (v.empty() || !is_valid_utf8(v) || has_control_chars(v) || utf8_length(v) > max)
    return fail(ErrorCode::invalid_argument, "1-" + std::to_string(max) + " characters", field);
  return ok();
}

Result<void> check_customer_address(const Address& a) {
  FONDACO_TRY(text_field(a.street, 200, "customer.address.street"));
  FONDACO_TRY(text_field(a.city, 200, "customer.address.city"));
  if (a.country.size() != 2 || !is_upper_alpha(a.country))
    return fail(ErrorCode::invalid_argument, "ISO 3166 alpha-2 country", "customer.address.country");
  if (a.country != "IT") return ok();
  if (a.postcode.size() != 5 || !is_digits(a.postcode))
    return fail(ErrorCode::unprocessable, "an Italian CAP has 5 digits", "customer.address.postcode");
  if (a.province.size() != 2 || !is_upper_alpha(a.province))
    return fail(ErrorCode::unprocessable, "Provincia is 2 upper-case letters",
                "customer.address.province");
  return ok();
}

// What an e-invoice needs to reach the customer and identify them.
Result<void> check_einvoice_customer(const Customer& c) {
  FONDACO_TRY(check_customer_address(c.address));
  const std::string country = c.vat_country.value_or(c.address.country);
  if (country.size() != 2 || !is_upper_alpha(country))
    return fail(ErrorCode::invalid_argument, "ISO 3166 alpha-2 country", "customer.vat_country");
  if (c.vat_number) {
    if (country == "IT") {
      FONDACO_TRY(check_partita_iva(*c.vat_number, "customer.vat_number"));
    } else if (c.vat_number->size() > 28 || !is_upper_alnum(*c.vat_number)) {
      return fail(ErrorCode::unprocessable, "1-28 upper-case letters or digits", "customer.vat_number");
    }
  }
  if (c.codice_fiscale) FONDACO_TRY(check_codice_fiscale(*c.codice_fiscale, "customer.codice_fiscale"));
  if (country == "IT" && !c.vat_number && !c.codice_fiscale)
    return fail(ErrorCode::unprocessable, "an Italian customer needs a partita IVA or codice fiscale",
                "customer.codice_fiscale");
  if (c.sdi_code) FONDACO_TRY(check_sdi_code(*c.sdi_code, c.public_administration, "customer.sdi_code"));
  if (c.public_administration && !c.sdi_code)
    return fail(ErrorCode::unprocessable, "a public administration needs its 6-character office code",
                "customer.sdi_code");
  if (c.pec && (c.pec->size() < 7 || c.pec->size() > 256 || c.pec->find('@') == std::string::npos))
    return fail(ErrorCode::invalid_argument, "not an e-mail address", "customer.pec");
  return ok();
}

Result<void> check_input(const DocumentInput& in) {
  if (in.source_key.empty() || in.source_key.size() > 200 || !is_valid_utf8(in.source_key) ||
      has_control_chars(in.source_key))
    return fail(ErrorCode::invalid_argument, "1-200 characters", "source_key");
  if (in.order_number.size() > 64 || !is_valid_utf8(in.order_number))
    return fail(ErrorCode::invalid_argument, "at most 64 characters", "order_number");
  if (in.issue_date_ms <= 0) return fail(ErrorCode::invalid_argument, "required", "issue_date_ms");
  if (!is_known_currency(in.currency))
    return fail(ErrorCode::invalid_argument, "unknown currency", "currency");
  // A receipt may be anonymous (a sale at the counter); anything else names its customer.
  if (in.kind != DocKind::receipt || !in.customer.name.empty())
    FONDACO_TRY(text_field(in.customer.name, 200, "customer.name"));
  if (in.customer.company_name) FONDACO_TRY(text_field(*in.customer.company_name, 200, "customer.company_name"));
  if (in.causale.size() > limits::kMaxInvoiceCausaleChars || !is_valid_utf8(in.causale))
    return fail(ErrorCode::invalid_argument, "at most 2000 characters", "causale");
  if (in.series && (in.series->size() > 8 || !is_upper_alnum(*in.series)))
    return fail(ErrorCode::invalid_argument, "1-8 upper-case letters or digits", "series");
  if (in.payment && (in.payment->paid_minor < 0 || in.payment->paid_minor > limits::kMaxInvoiceAmountMinor))
    return fail(ErrorCode::invalid_argument, "out of range", "payment.paid_minor");
  if (in.kind == DocKind::credit_note && !in.related_document_id)
    return fail(ErrorCode::invalid_argument, "a credit note names the document it corrects",
                "related_document_id");
  if (in.kind != DocKind::credit_note && in.related_document_id)
    return fail(ErrorCode::invalid_argument, "only credit notes relate to a document",
                "related_document_id");
  return ok();
}

// Takes the next number of a counter row in this transaction: the row stays locked until
// commit, and a rollback gives the number back, so numbers are gap-free.
Result<std::int64_t> next_counter(storage::Tx& tx, const std::string& series, int year) {
  auto r = FONDACO_TRY(tx.query(
      "INSERT INTO invoice_counters (series, year, last_value) VALUES (?, ?, 1) "
      "ON CONFLICT (series, year) DO UPDATE SET last_value = invoice_counters.last_value + 1 "
      "RETURNING last_value",
      {series, std::int64_t{year}}));
  return r.i64(0, 0);
}

// ProgressivoInvio: the file counter in base 36, 5 characters (60 million files).
std::string progressive(std::int64_t n) {
  constexpr std::string_view kDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string out(5, '0');
  for (int i = 4; i >= 0 && n > 0; --i, n /= 36) out[static_cast<std::size_t>(i)] = kDigits[static_cast<std::size_t>(n % 36)];
  return out;
}

std::string series_for(const DocumentInput& in, const FiscalSettings& s) {
  if (in.series) return *in.series;
  switch (in.kind) {
    case DocKind::invoice: return s.default_series;
    case DocKind::receipt: return "R";
    case DocKind::credit_note: return "NC";
  }
  return s.default_series;
}

std::string title_of(DocKind k) {
  switch (k) {
    case DocKind::invoice: return "Fattura";
    case DocKind::receipt: return "Ricevuta";
    case DocKind::credit_note: return "Nota di credito";
  }
  return "Documento";
}

// The document a credit note corrects: it must exist and not be a credit note itself.
Result<std::optional<Document>> related_of(storage::Tx& tx, const DocumentInput& in) {
  if (!in.related_document_id) return std::optional<Document>{};
  auto d = FONDACO_TRY(store::find_one(tx, "id = ?", *in.related_document_id));
  if (!d) return fail(ErrorCode::not_found, "no such document", "related_document_id");
  if (d->kind == DocKind::credit_note)
    return fail(ErrorCode::invalid_argument, "a credit note corrects an invoice or a receipt",
                "related_document_id");
  return d;
}

struct Files {
  std::optional<std::string> format, file_name, xml;
  std::string pdf;
};

Result<Files> render_files(storage::Tx& tx, const FiscalSettings& s, const DocumentInput& in,
                           const Computed& amounts, const std::string& number,
                           const std::string& date, const std::optional<Document>& related) {
  Files f;
  std::optional<RelatedDoc> rel;
  if (related) rel = RelatedDoc{related->number, related->issue_date};
  const bool einvoice = in.kind == DocKind::invoice ||
                        (in.kind == DocKind::credit_note && related && related->format);
  if (einvoice) {
    const std::string prog = progressive(FONDACO_TRY(next_counter(tx, "~SDI", 0)));
    XmlInput x{s, in, amounts, in.kind == DocKind::invoice ? "TD01" : "TD04", number, date, prog, rel};
    f.xml = FONDACO_TRY(render_fatturapa(x));
    // Our own output must pass SdI's arithmetic; if not, this code is wrong: refuse to store.
    auto issues = FONDACO_TRY(check_fatturapa(*f.xml));
    if (!issues.empty())
      return fail(ErrorCode::internal, "generated FatturaPA breaks SdI rule " + issues[0].code +
                                           ": " + issues[0].message);
    f.format = in.customer.public_administration ? "FPA12" : "FPR12";
    f.file_name = "IT" + s.vat_number + "_" + prog + ".xml";
  }
  PdfInput p{s, in, amounts, title_of(in.kind), number, date, rel};
  f.pdf = base64url_encode(FONDACO_TRY(render_pdf(p)));
  return f;
}

std::string issued_payload(const Document& d) {
  json::Writer w;
  w.begin_object().kv("id", d.id).kv("number", d.number).kv("kind", to_string(d.kind));
  w.kv("order_id", d.order_id).kv("total_minor", d.total_minor).kv("currency", d.currency);
  w.end_object();
  return w.take();
}

Result<std::int64_t> insert_row(storage::Tx& tx, const DocumentInput& in, const Computed& a,
                                const std::string& series, const CivilDate& date,
                                std::int64_t now_ms) {
  const std::string name = in.customer.company_name.value_or(in.customer.name);
  auto r = FONDACO_TRY(tx.query(
      "INSERT INTO invoice_documents (kind, source_key, series, fiscal_year, order_id, "
      "order_number, issue_date_ms, issue_date, currency, customer_name, taxable_minor, "
      "vat_minor, total_minor, stamp_duty, related_id, sdi_status, sdi_errors, summary, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "'not_applicable', '[]', ?, ?, ?) ON CONFLICT (source_key) DO NOTHING RETURNING id",
      {std::string(to_string(in.kind)), in.source_key, series, std::int64_t{date.year},
       storage::opt_value(in.order_id), in.order_number, in.issue_date_ms, format_date(date),
       in.currency, name, a.taxable_minor, a.vat_minor, a.total_minor,
       std::int64_t{a.stamp_duty ? 1 : 0}, storage::opt_value(in.related_document_id),
       store::summary_json(a.summary), now_ms, now_ms}));
  return r.empty() ? std::int64_t{0} : r.i64(0, 0);
}

}  // namespace

Result<Issued> Invoicing::issue(storage::Tx& tx, const DocumentInput& in, std::int64_t now_ms) {
  if (auto existing = FONDACO_TRY(find_by_source(tx, in.source_key)))
    return Issued{std::move(*existing), false};
  FONDACO_TRY(check_input(in));
  auto settings_r = settings(tx);
  if (!settings_r && settings_r.error().code != ErrorCode::not_found) return fail(settings_r.error());
  if (!settings_r)
    return fail(ErrorCode::conflict, "save the fiscal settings (PUT /api/v1/settings/fiscal) "
                                     "before issuing documents", "settings");
  const FiscalSettings& s = *settings_r;
  const auto related = FONDACO_TRY(related_of(tx, in));
  const bool einvoice = in.kind == DocKind::invoice || (related && related->format);
  if (einvoice) {
    if (in.currency != "EUR")
      return fail(ErrorCode::unprocessable, "FatturaPA documents are issued in EUR", "currency");
    FONDACO_TRY(check_einvoice_customer(in.customer));
  }
  const Computed amounts = FONDACO_TRY(compute_amounts(in));
  const std::string series = series_for(in, s);
  const CivilDate date = rome_date(in.issue_date_ms);
  const std::int64_t id = FONDACO_TRY(insert_row(tx, in, amounts, series, date, now_ms));
  if (id == 0) {  // a concurrent issue of the same key committed first
    auto existing = FONDACO_TRY(find_by_source(tx, in.source_key));
    if (!existing) return fail(ErrorCode::conflict, "document is being issued", "source_key");
    return Issued{std::move(*existing), false};
  }
  const std::int64_t seq = FONDACO_TRY(next_counter(tx, series, date.year));
  char digits[24];
  std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(seq));
  const std::string number = series + "-" + std::to_string(date.year) + "-" + digits;
  const Files f = FONDACO_TRY(render_files(tx, s, in, amounts, number, format_date(date), related));
  FONDACO_TRY(tx.exec(
      "UPDATE invoice_documents SET seq = ?, number = ?, format = ?, file_name = ?, xml = ?, "
      "pdf = ?, sdi_status = ? WHERE id = ?",
      {seq, number, storage::opt_value(f.format), storage::opt_value(f.file_name),
       storage::opt_value(f.xml), f.pdf,
       std::string(to_string(f.xml ? SdiStatus::to_send : SdiStatus::not_applicable)), id}));
  Document d = FONDACO_TRY(get(tx, id));
  FONDACO_TRY(log_.append(tx, "invoice.issued", "invoice", std::to_string(d.id),
                          issued_payload(d), now_ms));
  return Issued{std::move(d), true};
}

}  // namespace fondaco::invoicing
