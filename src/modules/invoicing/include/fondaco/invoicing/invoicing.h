// Invoicing: fiscal documents (invoices, B2C receipts, credit notes), their gap-free
// numbers, the Italian e-invoice (FatturaPA 1.2.2 XML, FPR12/FPA12), its SdI life cycle and
// a PDF courtesy copy.
//
// The module knows nothing of orders or the catalog: a caller (the order-to-cash workflow,
// or POST /api/v1/invoices) builds a DocumentInput with everything the document shows and
// calls Invoicing::issue in its transaction. issue is idempotent on the caller's
// `source_key` ("order:12:invoice", "refund:7"): a retried chain step gets the existing
// document back and consumes no number. Numbers come from a counter row per (series,
// fiscal year) taken in the issuing transaction (INSERT ... ON CONFLICT DO UPDATE ...
// RETURNING), so they are gap-free and sequential under concurrency, and a rollback or a
// crash gives the number back. The fiscal year and the document date are the Italian
// calendar day (Europe/Rome) of `issue_date_ms`.
//
// At issue time the FatturaPA XML (invoices and credit notes of invoices) is generated,
// checked by the SdI arithmetic checker (fatturapa.h; a failure is an internal error: it
// means this code is wrong) and stored with the PDF; documents are immutable afterwards.
// Only the SdI status moves: to_send → sent → delivered | rejected | not_delivered, and
// for public administrations delivered → accepted | refused (NotificaEsito). Receipts
// and credit notes of receipts are not e-invoices (sdi_status not_applicable).
//
// Events, appended in the changing transaction: invoice.issued (aggregate "invoice",
// payload id, number, kind, order_id, total_minor, currency) and invoice.sdi_status_changed
// (id, number, from, to). Functions take `now_ms`; nothing reads the clock.
// Thread-safety: Invoicing holds no mutable state; use it from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::invoicing {

std::span<const storage::Migration> migrations();

enum class DocKind { invoice, receipt, credit_note };
std::string_view to_string(DocKind k);
std::optional<DocKind> parse_doc_kind(std::string_view s);

enum class SdiStatus {
  not_applicable,  // receipts: never sent to SdI
  to_send,
  sent,           // handed to the intermediary
  delivered,      // RicevutaConsegna
  rejected,       // NotificaScarto (errors kept)
  not_delivered,  // NotificaMancataConsegna: in the customer's tax drawer
  accepted,       // NotificaEsito EC01 (public administration)
  refused,        // NotificaEsito EC02
};
std::string_view to_string(SdiStatus s);
std::optional<SdiStatus> parse_sdi_status(std::string_view s);

enum class IssueOn { paid, shipped };
std::string_view to_string(IssueOn i);
std::optional<IssueOn> parse_issue_on(std::string_view s);

// ModalitaPagamento: cash MP01, cheque MP02, bank_transfer MP05 (with the seller's IBAN),
// card MP08, paypal MP08, direct_debit MP19, cash_on_delivery MP01.
enum class PaymentMethod { cash, cheque, bank_transfer, card, paypal, direct_debit, cash_on_delivery };
std::string_view to_string(PaymentMethod m);
std::optional<PaymentMethod> parse_payment_method(std::string_view s);
std::string_view modalita_pagamento(PaymentMethod m);

struct Address {
  std::string street;    // Indirizzo (with the house number)
  std::string postcode;  // CAP: 5 digits in Italy; anything (up to 10) abroad
  std::string city;      // Comune
  std::string province;  // Provincia: 2 letters in Italy, empty abroad
  std::string country = "IT";  // ISO 3166-1 alpha-2
};

// The seller: one row, GET/PUT /api/v1/settings/fiscal. Nothing can be issued without it.
struct FiscalSettings {
  std::string company_name;
  std::string vat_number;      // partita IVA, 11 digits
  std::string codice_fiscale;  // often equal to the partita IVA
  std::string regime_fiscale = "RF01";
  Address address;
  // REA registration (companies): all three or none.
  std::optional<std::string> rea_office;  // Ufficio: province, 2 letters
  std::optional<std::string> rea_number;  // NumeroREA
  std::optional<std::string> rea_liquidation;  // StatoLiquidazione: LN or LS
  std::string default_series = "FT";
  std::optional<std::string> iban;
  std::optional<std::string> pec;
  std::optional<std::string> email;
  IssueOn issue_on = IssueOn::paid;
  bool customer_wants_invoice_default = false;
  std::int64_t updated_at = 0;
};

struct Customer {
  std::string name;                         // a person's name
  std::optional<std::string> company_name;  // Denominazione when a business
  std::optional<std::string> vat_country;   // IdPaese of the VAT number; default address.country
  std::optional<std::string> vat_number;    // P.IVA (checked when vat_country is IT)
  std::optional<std::string> codice_fiscale;
  std::optional<std::string> sdi_code;      // 7 chars, 6 for public administrations
  std::optional<std::string> pec;
  bool public_administration = false;       // FPA12
  Address address;
};

struct LineInput {
  std::string description;
  std::string sku;
  std::int64_t qty = 1;
  std::int64_t unit_price_minor = 0;  // VAT included when DocumentInput::prices_include_vat
  std::int64_t discount_minor = 0;    // for the whole line
  int vat_rate_bp = 2200;
  std::optional<std::string> natura;  // required iff the rate is 0
};

struct ShippingInput {
  std::int64_t amount_minor = 0;
  int vat_rate_bp = 2200;
  std::optional<std::string> natura;
  std::string description = "Spese di spedizione";
};

struct PaymentInput {
  PaymentMethod method = PaymentMethod::card;
  std::int64_t paid_minor = 0;
};

struct DocumentInput {
  DocKind kind = DocKind::invoice;
  std::string source_key;  // idempotency: one document per key, ever
  std::optional<std::int64_t> order_id;
  std::string order_number;
  std::int64_t issue_date_ms = 0;
  std::string currency = "EUR";
  Customer customer;
  std::vector<LineInput> lines;
  std::optional<ShippingInput> shipping;
  // Italian B2C prices include VAT: the per-rate totals the customer paid are split into
  // taxable and VAT with the VAT rounded once per rate.
  bool prices_include_vat = true;
  std::optional<PaymentInput> payment;
  std::optional<std::int64_t> related_document_id;  // credit notes: the corrected document
  std::string causale;
  std::optional<std::string> series;  // default: settings' series (invoices), R, NC
};

// DatiRiepilogo: one per (rate, natura).
struct VatSummary {
  int rate_bp = 0;
  std::optional<std::string> natura;
  std::int64_t taxable_minor = 0;
  std::int64_t vat_minor = 0;
};

struct SdiError {
  std::string code;
  std::string description;
};

struct Document {
  std::int64_t id = 0;
  DocKind kind = DocKind::invoice;
  std::string source_key;
  std::string series;
  int fiscal_year = 0;
  std::int64_t seq = 0;
  std::string number;  // "FT-2026-000001"
  std::optional<std::int64_t> order_id;
  std::string order_number;
  std::int64_t issue_date_ms = 0;
  std::string issue_date;  // YYYY-MM-DD, Europe/Rome
  std::string currency;
  std::string customer_name;
  std::int64_t taxable_minor = 0;
  std::int64_t vat_minor = 0;
  std::int64_t total_minor = 0;
  bool stamp_duty = false;  // bollo virtuale €2.00 declared
  std::optional<std::int64_t> related_document_id;
  std::optional<std::string> format;     // FPR12 / FPA12; none for receipts
  std::optional<std::string> file_name;  // IT<P.IVA>_<progressive>.xml
  SdiStatus sdi_status = SdiStatus::not_applicable;
  std::optional<std::string> sdi_identifier;
  std::vector<SdiError> sdi_errors;
  std::vector<VatSummary> summary;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct ListFilter {
  std::optional<std::int64_t> order_id;
  std::optional<DocKind> kind;
  std::optional<SdiStatus> sdi_status;
};

struct Issued {
  Document document;
  bool created = false;  // false: the source_key already had this document
};

using fondaco::Page;

class Invoicing {
 public:
  explicit Invoicing(events::EventLog& log) : log_(log) {}

  // Settings. get: not_found naming "settings" when none were saved. put validates every
  // identifier (422 naming the field) and replaces the row.
  static Result<FiscalSettings> settings(storage::Tx& tx);
  Result<FiscalSettings> put_settings(storage::Tx& tx, const FiscalSettings& s, std::int64_t now_ms);

  // Validates (invalid_argument / unprocessable naming "lines[2].natura" etc.), numbers,
  // renders and stores the document, appends invoice.issued. Without settings: conflict
  // naming "settings". The same source_key returns the stored document (created=false).
  Result<Issued> issue(storage::Tx& tx, const DocumentInput& in, std::int64_t now_ms);

  static Result<Document> get(storage::Tx& tx, std::int64_t id);
  static Result<std::optional<Document>> find_by_source(storage::Tx& tx, std::string_view key);
  static Result<Page<Document>> list(storage::Tx& tx, const ListFilter& f, std::int64_t after_id,
                                     int limit);
  // The stored files. xml: not_found naming "xml" for receipts.
  static Result<std::string> xml(storage::Tx& tx, std::int64_t id);
  static Result<std::string> pdf(storage::Tx& tx, std::int64_t id);

  // to_send → sent (handed to the intermediary); sent again is a no-op.
  Result<Document> mark_sent(storage::Tx& tx, std::int64_t id, std::int64_t now_ms);
  // Imports an SdI receipt (RC, NS, MC, NE) matched by NomeFile: invalid_argument for a
  // malformed, hostile or oversize file, not_found naming "NomeFile" for an unknown file,
  // invalid_transition when the status cannot follow (NotificaEsito only for FPA12, after
  // delivery). The same receipt twice is a no-op; each applied receipt is kept
  // (invoice_sdi_receipts) with the document's new status.
  Result<Document> import_receipt(storage::Tx& tx, std::string_view xml, std::int64_t now_ms);

 private:
  Result<Document> move_status(storage::Tx& tx, Document d, SdiStatus to,
                               const std::vector<SdiError>& errors,
                               const std::optional<std::string>& sdi_id, std::int64_t now_ms);

  events::EventLog& log_;
};

}  // namespace fondaco::invoicing
