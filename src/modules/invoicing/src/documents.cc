// Names of the enums, reading documents and the fiscal settings.
#include <array>
#include <utility>

#include "fondaco/base/text.h"
#include "fondaco/invoicing/identifiers.h"
#include "fondaco/platform/json.h"
#include "store.h"

namespace fondaco::invoicing {
namespace {

template <typename E, std::size_t N>
std::optional<E> parse_enum(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}

constexpr std::array<std::string_view, 3> kKinds = {"invoice", "receipt", "credit_note"};
constexpr std::array<std::string_view, 8> kStatuses = {
    "not_applicable", "to_send", "sent", "delivered", "rejected", "not_delivered", "accepted",
    "refused"};
constexpr std::array<std::string_view, 2> kIssueOn = {"paid", "shipped"};
constexpr std::array<std::string_view, 7> kMethods = {
    "cash", "cheque", "bank_transfer", "card", "paypal", "direct_debit", "cash_on_delivery"};
constexpr std::array<std::string_view, 7> kModalita = {"MP01", "MP02", "MP05", "MP08",
                                                       "MP08", "MP19", "MP01"};

}  // namespace

std::string_view to_string(DocKind k) { return kKinds[static_cast<std::size_t>(k)]; }
std::optional<DocKind> parse_doc_kind(std::string_view s) { return parse_enum<DocKind>(kKinds, s); }
std::string_view to_string(SdiStatus s) { return kStatuses[static_cast<std::size_t>(s)]; }
std::optional<SdiStatus> parse_sdi_status(std::string_view s) {
  return parse_enum<SdiStatus>(kStatuses, s);
}
std::string_view to_string(IssueOn i) { return kIssueOn[static_cast<std::size_t>(i)]; }
std::optional<IssueOn> parse_issue_on(std::string_view s) { return parse_enum<IssueOn>(kIssueOn, s); }
std::string_view to_string(PaymentMethod m) { return kMethods[static_cast<std::size_t>(m)]; }
std::optional<PaymentMethod> parse_payment_method(std::string_view s) {
  return parse_enum<PaymentMethod>(kMethods, s);
}
std::string_view modalita_pagamento(PaymentMethod m) { return kModalita[static_cast<std::size_t>(m)]; }

namespace store {

const char* const kDocumentColumns =
    "id, kind, source_key, series, fiscal_year, seq, number, order_id, order_number, "
    "issue_date_ms, issue_date, currency, customer_name, taxable_minor, vat_minor, total_minor, "
    "stamp_duty, related_id, format, file_name, sdi_status, sdi_identifier, sdi_errors, summary, "
    "created_at, updated_at";

std::string summary_json(const std::vector<VatSummary>& s) {
  json::Writer w;
  w.begin_array();
  for (const auto& v : s)
    w.begin_object().kv("rate_bp", v.rate_bp).kv("natura", v.natura)
        .kv("taxable_minor", v.taxable_minor).kv("vat_minor", v.vat_minor).end_object();
  w.end_array();
  return w.take();
}

std::string errors_json(const std::vector<SdiError>& e) {
  json::Writer w;
  w.begin_array();
  for (const auto& x : e) w.begin_object().kv("code", x.code).kv("description", x.description).end_object();
  w.end_array();
  return w.take();
}

namespace {

Result<std::vector<VatSummary>> parse_summary(const std::string& text) {
  auto doc = FONDACO_TRY(json::parse(text));
  std::vector<VatSummary> out;
  for (const auto& v : doc->root().GetArray()) {
    VatSummary s;
    s.rate_bp = v["rate_bp"].GetInt();
    if (v["natura"].IsString()) s.natura = v["natura"].GetString();
    s.taxable_minor = v["taxable_minor"].GetInt64();
    s.vat_minor = v["vat_minor"].GetInt64();
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<SdiError>> parse_errors(const std::string& text) {
  auto doc = FONDACO_TRY(json::parse(text));
  std::vector<SdiError> out;
  for (const auto& v : doc->root().GetArray())
    out.push_back({v["code"].GetString(), v["description"].GetString()});
  return out;
}

}  // namespace

Result<Document> row_to_document(const storage::Rows& rows, std::size_t r) {
  Document d;
  d.id = rows.i64(r, 0);
  d.kind = parse_doc_kind(rows.text(r, 1)).value_or(DocKind::invoice);
  d.source_key = rows.text(r, 2);
  d.series = rows.text(r, 3);
  d.fiscal_year = static_cast<int>(rows.i64(r, 4));
  d.seq = rows.i64(r, 5);
  d.number = rows.text(r, 6);
  d.order_id = rows.opt_i64(r, 7);
  d.order_number = rows.text(r, 8);
  d.issue_date_ms = rows.i64(r, 9);
  d.issue_date = rows.text(r, 10);
  d.currency = rows.text(r, 11);
  d.customer_name = rows.text(r, 12);
  d.taxable_minor = rows.i64(r, 13);
  d.vat_minor = rows.i64(r, 14);
  d.total_minor = rows.i64(r, 15);
  d.stamp_duty = rows.i64(r, 16) != 0;
  d.related_document_id = rows.opt_i64(r, 17);
  d.format = rows.opt_text(r, 18);
  d.file_name = rows.opt_text(r, 19);
  d.sdi_status = parse_sdi_status(rows.text(r, 20)).value_or(SdiStatus::not_applicable);
  d.sdi_identifier = rows.opt_text(r, 21);
  d.sdi_errors = FONDACO_TRY(parse_errors(rows.text(r, 22)));
  d.summary = FONDACO_TRY(parse_summary(rows.text(r, 23)));
  d.created_at = rows.i64(r, 24);
  d.updated_at = rows.i64(r, 25);
  return d;
}

Result<std::optional<Document>> find_one(storage::Tx& tx, const std::string& where,
                                         storage::Value param) {
  auto rows = FONDACO_TRY(tx.query(
      std::string("SELECT ") + kDocumentColumns + " FROM invoice_documents WHERE " + where,
      {std::move(param)}));
  if (rows.empty()) return std::optional<Document>{};
  return std::optional<Document>(FONDACO_TRY(row_to_document(rows, 0)));
}

}  // namespace store

Result<Document> Invoicing::get(storage::Tx& tx, std::int64_t id) {
  auto d = FONDACO_TRY(store::find_one(tx, "id = ?", id));
  if (!d) return fail(ErrorCode::not_found, "no such document", "id");
  return std::move(*d);
}

Result<std::optional<Document>> Invoicing::find_by_source(storage::Tx& tx, std::string_view key) {
  return store::find_one(tx, "source_key = ?", std::string(key));
}

Result<Page<Document>> Invoicing::list(storage::Tx& tx, const ListFilter& f,
                                       std::int64_t after_id, int limit) {
  std::string sql = std::string("SELECT ") + store::kDocumentColumns +
                    " FROM invoice_documents WHERE id > ?";
  std::vector<storage::Value> params{after_id};
  if (f.order_id) {
    sql += " AND order_id = ?";
    params.emplace_back(*f.order_id);
  }
  if (f.kind) {
    sql += " AND kind = ?";
    params.emplace_back(std::string(to_string(*f.kind)));
  }
  if (f.sdi_status) {
    sql += " AND sdi_status = ?";
    params.emplace_back(std::string(to_string(*f.sdi_status)));
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(std::int64_t{limit} + 1);
  auto rows = FONDACO_TRY(tx.query(sql, params));
  Page<Document> page;
  for (std::size_t r = 0; r < rows.size() && r < static_cast<std::size_t>(limit); ++r)
    page.items.push_back(FONDACO_TRY(store::row_to_document(rows, r)));
  if (rows.size() > static_cast<std::size_t>(limit)) page.next_after = page.items.back().id;
  return page;
}

Result<std::string> Invoicing::xml(storage::Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query("SELECT xml FROM invoice_documents WHERE id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "no such document", "id");
  if (rows.is_null(0, 0)) return fail(ErrorCode::not_found, "this document has no e-invoice XML", "xml");
  return rows.text(0, 0);
}

Result<std::string> Invoicing::pdf(storage::Tx& tx, std::int64_t id) {
  auto rows = FONDACO_TRY(tx.query("SELECT pdf FROM invoice_documents WHERE id = ?", {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "no such document", "id");
  auto bytes = base64url_decode(rows.text(0, 0));
  if (!bytes) return fail(ErrorCode::internal, "stored PDF is corrupt");
  return std::move(*bytes);
}

}  // namespace fondaco::invoicing
