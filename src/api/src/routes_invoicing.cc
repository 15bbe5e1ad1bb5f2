// Invoicing resources: fiscal documents (list, read, their FatturaPA XML and PDF), manual
// issue, the SdI hand-over and receipts, and the seller's fiscal settings. Documents are
// normally issued by the order-to-cash workflow; POST /api/v1/invoices issues one by hand
// with the same idempotency (source_key). Accounting writes; managers also read.
#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/invoicing/invoicing.h"
#include "router.h"

namespace fondaco::api {
namespace {

using invoicing::Document;
using json::Object;

constexpr json::StringRule kText{255, 1, false};
constexpr json::StringRule kOptText{255, 0, false};
constexpr json::IntRule kAmount{0, limits::kMaxInvoiceAmountMinor};

void write_document(json::Writer& w, const Document& d) {
  w.begin_object().kv("id", d.id).kv("kind", invoicing::to_string(d.kind));
  w.kv("number", d.number).kv("series", d.series).kv("fiscal_year", d.fiscal_year);
  w.kv("source_key", d.source_key).kv("order_id", d.order_id).kv("order_number", d.order_number);
  w.kv("issue_date", d.issue_date).kv("currency", d.currency).kv("customer_name", d.customer_name);
  w.kv("taxable_minor", d.taxable_minor).kv("vat_minor", d.vat_minor).kv("total_minor", d.total_minor);
  w.kv_bool("stamp_duty", d.stamp_duty).kv("related_document_id", d.related_document_id);
  w.kv("format", d.format).kv("file_name", d.file_name);
  w.kv("sdi_status", invoicing::to_string(d.sdi_status)).kv("sdi_identifier", d.sdi_identifier);
  w.key("sdi_errors").begin_array();
  for (const auto& e : d.sdi_errors)
    w.begin_object().kv("code", e.code).kv("description", e.description).end_object();
  w.end_array().key("vat_summary").begin_array();
  for (const auto& s : d.summary)
    w.begin_object().kv("rate_bp", s.rate_bp).kv("natura", s.natura)
        .kv("taxable_minor", s.taxable_minor).kv("vat_minor", s.vat_minor).end_object();
  w.end_array();
  w.kv("created_at", format_rfc3339_ms(d.created_at)).kv("updated_at", format_rfc3339_ms(d.updated_at));
  w.end_object();
}

Response document_response(int status, const Document& d) {
  json::Writer w;
  write_document(w, d);
  return json_response(status, w.take());
}

template <typename E>
Result<std::optional<E>> read_enum(Object& o, std::string_view key,
                                   std::optional<E> (*parse)(std::string_view)) {
  auto name = FONDACO_TRY(o.opt_string(key, {32, 1, false}));
  if (!name) return std::optional<E>{};
  auto v = parse(*name);
  if (!v) return fail(ErrorCode::invalid_argument, "unknown value", o.field(key));
  return v;
}

Result<invoicing::Address> read_address(const json::Value& v, const std::string& path) {
  Object o = FONDACO_TRY(Object::of(v, path));
  invoicing::Address a;
  a.street = FONDACO_TRY(o.req_string("street", kText));
  a.postcode = FONDACO_TRY(o.opt_string("postcode", {10, 0, false})).value_or("");
  a.city = FONDACO_TRY(o.req_string("city", kText));
  a.province = FONDACO_TRY(o.opt_string("province", {2, 0, false})).value_or("");
  a.country = FONDACO_TRY(o.opt_string("country", {2, 2, false})).value_or("IT");
  FONDACO_TRY(o.finish());
  return a;
}

Result<const json::Value*> req_object(Object& o, std::string_view key) {
  const json::Value* v = FONDACO_TRY(o.opt_object(key));
  if (!v) return fail(ErrorCode::invalid_argument, "required", o.field(key));
  return v;
}

Result<invoicing::Customer> read_customer(const json::Value& v) {
  Object o = FONDACO_TRY(Object::of(v, "customer"));
  invoicing::Customer c;
  c.name = FONDACO_TRY(o.req_string("name", kText));
  c.company_name = FONDACO_TRY(o.opt_string("company_name", kText));
  c.vat_country = FONDACO_TRY(o.opt_string("vat_country", {2, 2, false}));
  c.vat_number = FONDACO_TRY(o.opt_string("vat_number", {28, 1, false}));
  c.codice_fiscale = FONDACO_TRY(o.opt_string("codice_fiscale", {16, 1, false}));
  c.sdi_code = FONDACO_TRY(o.opt_string("sdi_code", {7, 1, false}));
  c.pec = FONDACO_TRY(o.opt_string("pec", {256, 1, false}));
  c.public_administration = FONDACO_TRY(o.opt_bool("public_administration")).value_or(false);
  c.address = FONDACO_TRY(read_address(*FONDACO_TRY(req_object(o, "address")), "customer.address"));
  FONDACO_TRY(o.finish());
  return c;
}

Result<invoicing::LineInput> read_line(const json::Value& v, const std::string& path) {
  Object o = FONDACO_TRY(Object::of(v, path));
  invoicing::LineInput l;
  l.description = FONDACO_TRY(o.req_string("description", {limits::kMaxInvoiceDescriptionChars, 1, false}));
  l.sku = FONDACO_TRY(o.opt_string("sku", {limits::kMaxSkuChars, 0, false})).value_or("");
  l.qty = FONDACO_TRY(o.req_int("qty", {1, limits::kMaxInvoiceQty}));
  l.unit_price_minor = FONDACO_TRY(o.req_int("unit_price_minor", kAmount));
  l.discount_minor = FONDACO_TRY(o.opt_int("discount_minor", kAmount)).value_or(0);
  l.vat_rate_bp = static_cast<int>(FONDACO_TRY(o.req_int("vat_rate_bp", {0, 10000})));
  l.natura = FONDACO_TRY(o.opt_string("natura", {8, 1, false}));
  FONDACO_TRY(o.finish());
  return l;
}

Result<std::optional<invoicing::ShippingInput>> read_shipping(Object& parent) {
  const json::Value* v = FONDACO_TRY(parent.opt_object("shipping"));
  if (!v) return std::optional<invoicing::ShippingInput>{};
  Object o = FONDACO_TRY(Object::of(*v, "shipping"));
  invoicing::ShippingInput s;
  s.amount_minor = FONDACO_TRY(o.req_int("amount_minor", kAmount));
  s.vat_rate_bp = static_cast<int>(FONDACO_TRY(o.req_int("vat_rate_bp", {0, 10000})));
  s.natura = FONDACO_TRY(o.opt_string("natura", {8, 1, false}));
  FONDACO_TRY(o.finish());
  return std::optional(s);
}

Result<std::optional<invoicing::PaymentInput>> read_payment(Object& parent) {
  const json::Value* v = FONDACO_TRY(parent.opt_object("payment"));
  if (!v) return std::optional<invoicing::PaymentInput>{};
  Object o = FONDACO_TRY(Object::of(*v, "payment"));
  invoicing::PaymentInput p;
  auto m = FONDACO_TRY(read_enum<invoicing::PaymentMethod>(o, "method", invoicing::parse_payment_method));
  if (!m) return fail(ErrorCode::invalid_argument, "required", "payment.method");
  p.method = *m;
  p.paid_minor = FONDACO_TRY(o.req_int("paid_minor", kAmount));
  FONDACO_TRY(o.finish());
  return std::optional(p);
}

Result<std::vector<invoicing::LineInput>> read_lines(Object& o) {
  const json::Value* arr = FONDACO_TRY(o.req_array("lines", limits::kMaxInvoiceLines));
  std::vector<invoicing::LineInput> out;
  for (rapidjson::SizeType i = 0; i < arr->Size(); ++i)
    out.push_back(FONDACO_TRY(read_line((*arr)[i], json::index_path("lines", i))));
  return out;
}

Result<invoicing::DocumentInput> read_document(Object& o, std::int64_t now_ms) {
  invoicing::DocumentInput in;
  auto kind = FONDACO_TRY(read_enum<invoicing::DocKind>(o, "kind", invoicing::parse_doc_kind));
  if (!kind) return fail(ErrorCode::invalid_argument, "required", "kind");
  in.kind = *kind;
  in.source_key = FONDACO_TRY(o.req_string("source_key", {200, 1, false}));
  in.order_id = FONDACO_TRY(o.opt_int("order_id", {1, INT64_MAX}));
  in.order_number = FONDACO_TRY(o.opt_string("order_number", {64, 0, false})).value_or("");
  auto date = FONDACO_TRY(o.opt_string("issue_date", {40, 1, false}));
  in.issue_date_ms = now_ms;
  if (date) {
    auto ms = parse_rfc3339(*date);
    if (!ms) return fail(ErrorCode::invalid_argument, "RFC 3339 timestamp", "issue_date");
    in.issue_date_ms = *ms;
  }
  in.currency = FONDACO_TRY(o.opt_string("currency", {3, 3, false})).value_or("EUR");
  in.customer = FONDACO_TRY(read_customer(*FONDACO_TRY(req_object(o, "customer"))));
  in.lines = FONDACO_TRY(read_lines(o));
  in.shipping = FONDACO_TRY(read_shipping(o));
  in.prices_include_vat = FONDACO_TRY(o.opt_bool("prices_include_vat")).value_or(true);
  in.payment = FONDACO_TRY(read_payment(o));
  in.related_document_id = FONDACO_TRY(o.opt_int("related_document_id", {1, INT64_MAX}));
  in.causale = FONDACO_TRY(o.opt_string("causale", {limits::kMaxInvoiceCausaleChars, 0, true})).value_or("");
  in.series = FONDACO_TRY(o.opt_string("series", {8, 1, false}));
  FONDACO_TRY(o.finish());
  return in;
}

Result<Response> issue_document(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const invoicing::DocumentInput in = FONDACO_TRY(read_document(o, c.now_ms()));
  invoicing::Invoicing inv(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return inv.issue(tx, in, c.now_ms()); },
      [](const invoicing::Issued& i) { return document_response(i.created ? 201 : 200, i.document); });
}

Result<Response> list_documents(Ctx& c) {
  FONDACO_TRY(allow_query(c, {"limit", "cursor", "order_id", "kind", "sdi_status"}));
  const auto page = FONDACO_TRY(page_request(c, limits::kMaxPageSize));
  invoicing::ListFilter f;
  if (auto it = c.query.find("order_id"); it != c.query.end()) {
    const std::string& v = it->second;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
      return fail(ErrorCode::invalid_argument, "an order id", "order_id");
    f.order_id = std::stoll(v);
  }
  if (auto it = c.query.find("kind"); it != c.query.end()) {
    f.kind = invoicing::parse_doc_kind(it->second);
    if (!f.kind) return fail(ErrorCode::invalid_argument, "invoice, receipt or credit_note", "kind");
  }
  if (auto it = c.query.find("sdi_status"); it != c.query.end()) {
    f.sdi_status = invoicing::parse_sdi_status(it->second);
    if (!f.sdi_status) return fail(ErrorCode::invalid_argument, "unknown SdI status", "sdi_status");
  }
  auto result = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) {
    return invoicing::Invoicing::list(tx, f, page.after_id, page.limit);
  }));
  json::Writer w;
  w.begin_array();
  for (const auto& d : result.items) write_document(w, d);
  w.end_array();
  return page_response(w.view(), result.next_after);
}

Result<Response> get_document(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto d = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) { return invoicing::Invoicing::get(tx, id); }));
  return document_response(200, d);
}

Response file_response(std::string body, const char* type, const std::string& filename) {
  Response r;
  r.status = 200;
  r.set_header("Content-Type", type);
  r.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.body = std::move(body);
  return r;
}

Result<Response> get_xml(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto [xml, name] = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<std::pair<std::string, std::string>> {
    auto d = FONDACO_TRY(invoicing::Invoicing::get(tx, id));
    auto x = FONDACO_TRY(invoicing::Invoicing::xml(tx, id));
    return std::pair{std::move(x), d.file_name.value_or("invoice.xml")};
  }));
  return file_response(std::move(xml), "application/xml", name);
}

Result<Response> get_pdf(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  const auto id = FONDACO_TRY(path_id(c, "id"));
  auto [pdf, number] = FONDACO_TRY(c.s.db.read([&](storage::Tx& tx) -> Result<std::pair<std::string, std::string>> {
    auto d = FONDACO_TRY(invoicing::Invoicing::get(tx, id));
    auto p = FONDACO_TRY(invoicing::Invoicing::pdf(tx, id));
    return std::pair{std::move(p), d.number};
  }));
  return file_response(std::move(pdf), "application/pdf", number + ".pdf");
}

Result<Response> mark_sent(Ctx& c) {
  const auto id = FONDACO_TRY(path_id(c, "id"));
  invoicing::Invoicing inv(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return inv.mark_sent(tx, id, c.now_ms()); },
      [](const Document& d) { return document_response(200, d); });
}

Result<Response> import_receipt(Ctx& c) {
  const std::string_view ct = c.req.header("Content-Type");
  if (!ct.starts_with("application/xml") && !ct.starts_with("text/xml"))
    return fail(ErrorCode::unsupported_media_type, "Content-Type must be application/xml",
                "Content-Type");
  if (c.req.body.size() > limits::kMaxSdiReceiptBytes)
    return fail(ErrorCode::payload_too_large, "an SdI receipt is a few KB", "body");
  invoicing::Invoicing inv(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return inv.import_receipt(tx, c.req.body, c.now_ms()); },
      [](const Document& d) { return document_response(200, d); });
}

void write_settings(json::Writer& w, const invoicing::FiscalSettings& s) {
  w.begin_object().kv("company_name", s.company_name).kv("vat_number", s.vat_number);
  w.kv("codice_fiscale", s.codice_fiscale).kv("regime_fiscale", s.regime_fiscale);
  w.key("address").begin_object().kv("street", s.address.street).kv("postcode", s.address.postcode);
  w.kv("city", s.address.city).kv("province", s.address.province).kv("country", s.address.country);
  w.end_object();
  w.kv("rea_office", s.rea_office).kv("rea_number", s.rea_number).kv("rea_liquidation", s.rea_liquidation);
  w.kv("default_series", s.default_series).kv("iban", s.iban).kv("pec", s.pec).kv("email", s.email);
  w.kv("issue_on", invoicing::to_string(s.issue_on));
  w.kv_bool("customer_wants_invoice_default", s.customer_wants_invoice_default);
  w.kv("updated_at", format_rfc3339_ms(s.updated_at)).end_object();
}

Response settings_response(const invoicing::FiscalSettings& s) {
  json::Writer w;
  write_settings(w, s);
  return json_response(200, w.take());
}

// User input is normalised (spaces out, upper case) before the identifier rules run.
std::optional<std::string> compact_upper(std::optional<std::string> s) {
  if (!s) return s;
  std::string out;
  for (char ch : *s)
    if (ch != ' ') out += (ch >= 'a' && ch <= 'z') ? static_cast<char>(ch - 'a' + 'A') : ch;
  return out;
}

Result<invoicing::FiscalSettings> read_settings(Object& o) {
  invoicing::FiscalSettings s;
  s.company_name = FONDACO_TRY(o.req_string("company_name", {80, 1, false}));
  s.vat_number = FONDACO_TRY(o.req_string("vat_number", {11, 1, false}));
  s.codice_fiscale = *compact_upper(FONDACO_TRY(o.opt_string("codice_fiscale", {16, 1, false})).value_or(s.vat_number));
  s.regime_fiscale = FONDACO_TRY(o.opt_string("regime_fiscale", {4, 4, false})).value_or("RF01");
  s.address = FONDACO_TRY(read_address(*FONDACO_TRY(req_object(o, "address")), "address"));
  s.rea_office = FONDACO_TRY(o.opt_string("rea_office", {2, 1, false}));
  s.rea_number = FONDACO_TRY(o.opt_string("rea_number", {20, 1, false}));
  s.rea_liquidation = FONDACO_TRY(o.opt_string("rea_liquidation", {2, 1, false}));
  s.default_series = FONDACO_TRY(o.opt_string("default_series", {8, 1, false})).value_or("FT");
  s.iban = compact_upper(FONDACO_TRY(o.opt_string("iban", {64, 1, false})));
  s.pec = FONDACO_TRY(o.opt_string("pec", {256, 1, false}));
  s.email = FONDACO_TRY(o.opt_string("email", {256, 1, false}));
  auto issue_on = FONDACO_TRY(read_enum<invoicing::IssueOn>(o, "issue_on", invoicing::parse_issue_on));
  s.issue_on = issue_on.value_or(invoicing::IssueOn::paid);
  s.customer_wants_invoice_default = FONDACO_TRY(o.opt_bool("customer_wants_invoice_default")).value_or(false);
  FONDACO_TRY(o.finish());
  return s;
}

Result<Response> get_settings(Ctx& c) {
  FONDACO_TRY(allow_query(c, {}));
  auto s = FONDACO_TRY(c.s.db.read([](storage::Tx& tx) { return invoicing::Invoicing::settings(tx); }));
  return settings_response(s);
}

Result<Response> put_settings(Ctx& c) {
  auto doc = FONDACO_TRY(json_body(c));
  Object o = FONDACO_TRY(Object::of(doc->root()));
  const invoicing::FiscalSettings in = FONDACO_TRY(read_settings(o));
  invoicing::Invoicing inv(c.s.log);
  return commit(
      c, [&](storage::Tx& tx) { return inv.put_settings(tx, in, c.now_ms()); },
      [](const invoicing::FiscalSettings& s) { return settings_response(s); });
}

// Fiscal documents are accounting's; managers may read them.
Access writers() { return roles({Role::accounting}); }
Access readers() { return roles({Role::accounting, Role::manager}); }

}  // namespace

std::vector<Route> invoicing_routes() {
  return {
      {"GET", "/api/v1/invoices", readers(), list_documents},
      {"POST", "/api/v1/invoices", writers(), issue_document},
      {"POST", "/api/v1/invoices/sdi-receipts", writers(), import_receipt},
      {"GET", "/api/v1/invoices/{id}.xml", readers(), get_xml},
      {"GET", "/api/v1/invoices/{id}.pdf", readers(), get_pdf},
      {"GET", "/api/v1/invoices/{id}", readers(), get_document},
      {"POST", "/api/v1/invoices/{id}/sent", writers(), mark_sent},
      {"GET", "/api/v1/settings/fiscal", readers(), get_settings},
      {"PUT", "/api/v1/settings/fiscal", writers(), put_settings},
  };
}

}  // namespace fondaco::api
