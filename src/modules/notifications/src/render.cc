// Validation of template data and rendering with kainjow/mustache (Debian
// libkainjow-mustache-dev, header-only): {{x}} is HTML-escaped, which is what keeps a
// customer called "<script>" harmless in the HTML part. Subjects and text parts are
// rendered with escaping turned off.
#include <kainjow/mustache.hpp>

#include "fondaco/base/limits.h"
#include "fondaco/base/money.h"
#include "fondaco/base/text.h"
#include "fondaco/notifications/notifications.h"
#include "templates.h"

namespace fondaco::notifications {
namespace {

namespace mu = kainjow::mustache;

// One-line text from outside: valid UTF-8, no control characters (they would break headers
// and layouts), at most `max_chars` code points; `required` ones non-empty.
Result<void> check_text(std::string_view v, const std::string& field, bool required,
                        std::size_t max_chars = limits::kMaxShortTextChars) {
  if (!is_valid_utf8(v) || has_control_chars(v) || v.find_first_of("\r\n\t") != v.npos)
    return fail(ErrorCode::invalid_argument, "must be one line of text", field);
  if (required && v.empty()) return fail(ErrorCode::invalid_argument, "is required", field);
  if (utf8_length(v) > max_chars)
    return fail(ErrorCode::invalid_argument,
                "must be at most " + std::to_string(max_chars) + " characters", field);
  return ok();
}

Result<void> check_amount(std::int64_t v, const std::string& field) {
  if (v < 0 || v > limits::kMaxAmountMinor)
    return fail(ErrorCode::invalid_argument, "must be 0..10^13 minor units", field);
  return ok();
}

Result<void> check_currency(const std::string& c, const std::string& field) {
  if (!is_known_currency(c)) return fail(ErrorCode::invalid_argument, "unknown currency", field);
  return ok();
}

Result<void> check_date(std::int64_t ms, const std::string& field) {
  if (ms <= 0 || ms > 253'402'300'799'000)  // up to 9999-12-31
    return fail(ErrorCode::invalid_argument, "must be a unix time in ms", field);
  return ok();
}

// ISO 13616: country, check digits, up to 30 alphanumerics; mod-97 of the rearranged
// number must be 1. Spaces are allowed in input and dropped.
Result<std::string> check_iban(std::string_view raw, const std::string& field) {
  std::string iban;
  for (char c : raw) {
    if (c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      return fail(ErrorCode::invalid_argument, "must be letters and digits", field);
    iban.push_back(c);
  }
  if (iban.size() < 15 || iban.size() > 34 || !(iban[0] >= 'A' && iban[1] >= 'A') ||
      !(iban[0] <= 'Z' && iban[1] <= 'Z') || !(iban[2] <= '9' && iban[3] <= '9'))
    return fail(ErrorCode::invalid_argument, "must be an IBAN (CC99...)", field);
  const std::string moved = iban.substr(4) + iban.substr(0, 4);
  int rem = 0;
  for (char c : moved) {
    const int v = c <= '9' ? c - '0' : c - 'A' + 10;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  if (rem != 1) return fail(ErrorCode::unprocessable, "IBAN check digits are wrong", field);
  std::string grouped;  // printed in groups of four, as banks print it
  for (std::size_t i = 0; i < iban.size(); ++i) {
    if (i > 0 && i % 4 == 0) grouped.push_back(' ');
    grouped.push_back(iban[i]);
  }
  return grouped;
}

Result<void> check_url(std::string_view url, const std::string& field) {
  FONDACO_TRY(check_text(url, field, false, 2048));
  if (url.empty()) return ok();
  // Quotes and angle brackets are harmless (the HTML part escapes them); what matters is
  // that only a web link can become an href (no javascript:, data:...).
  if (!(url.starts_with("https://") || url.starts_with("http://")) || url.find(' ') != url.npos)
    return fail(ErrorCode::invalid_argument, "must be an http(s) URL", field);
  return ok();
}

// An address with every field empty means "none" (collection in store, digital goods): the
// templates leave the section out rather than refuse the e-mail.
bool is_empty(const Address& a) {
  return a.name.empty() && a.line1.empty() && a.line2.empty() && a.postal_code.empty() &&
         a.city.empty() && a.province.empty() && a.country.empty();
}

Result<mu::data> address_data(const Address& a, const std::string& f) {
  if (is_empty(a)) return mu::data(false);
  FONDACO_TRY(check_text(a.name, f + ".name", false));
  FONDACO_TRY(check_text(a.line1, f + ".line1", true));
  FONDACO_TRY(check_text(a.line2, f + ".line2", false));
  FONDACO_TRY(check_text(a.postal_code, f + ".postal_code", false, limits::kMaxPostalCodeChars));
  FONDACO_TRY(check_text(a.city, f + ".city", true));
  FONDACO_TRY(check_text(a.province, f + ".province", false));
  FONDACO_TRY(check_text(a.country, f + ".country", true));
  mu::data d;
  d.set("has_name", !a.name.empty());
  d.set("name", a.name);
  d.set("line1", a.line1);
  d.set("has_line2", !a.line2.empty());
  d.set("line2", a.line2);
  d.set("postal_code", a.postal_code);
  d.set("city", a.city);
  d.set("has_province", !a.province.empty());
  d.set("province", a.province);
  d.set("country", a.country);
  return d;
}

Result<mu::data> lines_data(const OrderConfirmed& o, Locale l) {
  if (o.lines.empty() || o.lines.size() > limits::kMaxOrderLines)
    return fail(ErrorCode::invalid_argument, "must have 1-500 lines", "data.lines");
  mu::data list{mu::data::type::list};
  for (std::size_t i = 0; i < o.lines.size(); ++i) {
    const Line& line = o.lines[i];
    const std::string f = "data.lines[" + std::to_string(i) + "]";
    FONDACO_TRY(check_text(line.title, f + ".title", true));
    FONDACO_TRY(check_text(line.sku, f + ".sku", true, limits::kMaxSkuChars));
    if (line.qty < 1 || line.qty > limits::kMaxQuantity)
      return fail(ErrorCode::invalid_argument, "must be 1..1000000", f + ".qty");
    FONDACO_TRY(check_amount(line.unit_price_minor, f + ".unit_price_minor"));
    FONDACO_TRY(check_amount(line.total_minor, f + ".total_minor"));
    mu::data d;
    d.set("title", line.title);
    d.set("sku", line.sku);
    d.set("qty", std::to_string(line.qty));
    d.set("unit_price", format_money(line.unit_price_minor, o.currency, l));
    d.set("line_total", format_money(line.total_minor, o.currency, l));
    list.push_back(d);
  }
  return list;
}

Result<mu::data> data_for(const OrderConfirmed& o, Locale l) {
  FONDACO_TRY(check_text(o.order_number, "data.order_number", true));
  FONDACO_TRY(check_date(o.order_date_ms, "data.order_date_ms"));
  FONDACO_TRY(check_currency(o.currency, "data.currency"));
  FONDACO_TRY(check_amount(o.subtotal_minor, "data.subtotal_minor"));
  FONDACO_TRY(check_amount(o.shipping_minor, "data.shipping_minor"));
  FONDACO_TRY(check_amount(o.vat_minor, "data.vat_minor"));
  FONDACO_TRY(check_amount(o.total_minor, "data.total_minor"));
  mu::data d;
  d.set("lines", FONDACO_TRY(lines_data(o, l)));
  d.set("address", FONDACO_TRY(address_data(o.shipping_address, "data.shipping_address")));
  d.set("order_number", o.order_number);
  d.set("order_date", format_date(o.order_date_ms, l));
  d.set("subtotal", format_money(o.subtotal_minor, o.currency, l));
  d.set("shipping", format_money(o.shipping_minor, o.currency, l));
  d.set("vat", format_money(o.vat_minor, o.currency, l));
  d.set("total", format_money(o.total_minor, o.currency, l));
  return d;
}

Result<mu::data> data_for(const BankTransferInstructions& b, Locale l) {
  FONDACO_TRY(check_text(b.order_number, "data.order_number", true));
  FONDACO_TRY(check_text(b.beneficiary, "data.beneficiary", true));
  FONDACO_TRY(check_text(b.iban, "data.iban", true, 64));
  const std::string iban = FONDACO_TRY(check_iban(b.iban, "data.iban"));
  FONDACO_TRY(check_text(b.bic, "data.bic", false, 11));
  FONDACO_TRY(check_currency(b.currency, "data.currency"));
  FONDACO_TRY(check_amount(b.amount_minor, "data.amount_minor"));
  mu::data d;
  d.set("order_number", b.order_number);
  d.set("beneficiary", b.beneficiary);
  d.set("iban", iban);
  d.set("has_bic", !b.bic.empty());
  d.set("bic", b.bic);
  d.set("amount", format_money(b.amount_minor, b.currency, l));
  return d;
}

Result<mu::data> data_for(const Shipped& s, Locale) {
  FONDACO_TRY(check_text(s.order_number, "data.order_number", true));
  FONDACO_TRY(check_text(s.carrier, "data.carrier", true));
  FONDACO_TRY(check_text(s.tracking_number, "data.tracking_number", true));
  FONDACO_TRY(check_url(s.tracking_url, "data.tracking_url"));
  mu::data d;
  d.set("order_number", s.order_number);
  d.set("carrier", s.carrier);
  d.set("tracking_number", s.tracking_number);
  d.set("has_tracking_url", !s.tracking_url.empty());
  d.set("tracking_url", s.tracking_url);
  return d;
}

Result<mu::data> data_for(const Delivered& s, Locale l) {
  FONDACO_TRY(check_text(s.order_number, "data.order_number", true));
  FONDACO_TRY(check_date(s.delivered_at_ms, "data.delivered_at_ms"));
  mu::data d;
  d.set("order_number", s.order_number);
  d.set("delivered_date", format_date(s.delivered_at_ms, l));
  return d;
}

Result<mu::data> data_for(const RefundIssued& r, Locale l) {
  FONDACO_TRY(check_text(r.order_number, "data.order_number", true));
  FONDACO_TRY(check_text(r.method, "data.method", true));
  FONDACO_TRY(check_currency(r.currency, "data.currency"));
  FONDACO_TRY(check_amount(r.amount_minor, "data.amount_minor"));
  mu::data d;
  d.set("order_number", r.order_number);
  d.set("method", r.method);
  d.set("amount", format_money(r.amount_minor, r.currency, l));
  return d;
}

Result<mu::data> data_for(const WebhookDisabled& w, Locale l) {
  FONDACO_TRY(check_text(w.url, "data.url", true, limits::kMaxWebhookUrlChars));
  FONDACO_TRY(check_text(w.reason, "data.reason", true));
  FONDACO_TRY(check_date(w.disabled_at_ms, "data.disabled_at_ms"));
  mu::data d;
  d.set("endpoint_id", std::to_string(w.endpoint_id));
  d.set("url", w.url);
  d.set("reason", w.reason);
  d.set("disabled_date", format_date(w.disabled_at_ms, l));
  return d;
}

Result<mu::data> data_for(const CustomerSignIn& c, Locale) {
  FONDACO_TRY(check_text(c.link, "data.link", true));
  FONDACO_TRY(check_url(c.link, "data.link"));
  if (c.valid_minutes <= 0 || c.valid_minutes > 24 * 60)
    return fail(ErrorCode::invalid_argument, "must be between 1 and 1440", "data.valid_minutes");
  mu::data d;
  d.set("link", c.link);
  d.set("valid_minutes", std::to_string(c.valid_minutes));
  return d;
}

// A template is ours and compiled in: a parse error is a bug, reported as internal.
Result<std::string> render_one(std::string_view tmpl, const mu::data& d, bool html) {
  mu::mustache m{std::string(tmpl)};
  if (!m.is_valid()) return fail(ErrorCode::internal, "template: " + m.error_message());
  if (!html) m.set_custom_escape([](const std::string& s) { return s; });
  std::string out = m.render(d);
  if (!m.is_valid()) return fail(ErrorCode::internal, "template: " + m.error_message());
  return out;
}

std::string greeting(Locale l, std::string_view name) {
  const std::string hello = l == Locale::it ? "Ciao" : "Hello";
  return name.empty() ? hello + "," : hello + " " + std::string(name) + ",";
}

}  // namespace

Result<Rendered> render(const TemplateData& data, Locale locale, std::string_view to_name,
                        const RenderOptions& options) {
  FONDACO_TRY(check_text(to_name, "to_name", false, limits::kMaxEmailNameChars));
  FONDACO_TRY(check_text(options.shop_name, "shop_name", true));
  mu::data d = FONDACO_TRY(std::visit([&](const auto& v) { return data_for(v, locale); }, data));
  d.set("greeting", greeting(locale, to_name));
  d.set("shop_name", options.shop_name);
  const detail::Texts& t = detail::texts(kind_of(data), locale);
  Rendered r;
  r.subject = FONDACO_TRY(render_one(t.subject, d, false));
  r.text = FONDACO_TRY(render_one(t.text, d, false));
  mu::data page;
  page.set("content", FONDACO_TRY(render_one(t.html, d, true)));
  page.set("lang", std::string(to_string(locale)));
  page.set("subject", r.subject);
  page.set("shop_name", options.shop_name);
  r.html = FONDACO_TRY(render_one(detail::html_layout(), page, true));
  if (r.subject.size() + r.text.size() + r.html.size() > limits::kMaxEmailBodyBytes)
    return fail(ErrorCode::payload_too_large, "the rendered e-mail is larger than 1 MB", "data");
  return r;
}

bool is_valid_email_address(std::string_view s) {
  if (s.size() > limits::kMaxEmailChars) return false;
  const auto at = s.rfind('@');
  if (at == s.npos || at == 0 || at > 64 || at + 1 >= s.size()) return false;
  const std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  // Dot-atom local part (RFC 5322 atext); quoted local parts are not accepted.
  constexpr std::string_view kAtextSpecials = "!#$%&'*+-/=?^_`{|}~";
  if (local.front() == '.' || local.back() == '.' || local.find("..") != local.npos) return false;
  for (char c : local)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
          kAtextSpecials.find(c) != kAtextSpecials.npos))
      return false;
  // Domain: dot-separated labels of letters, digits and inner hyphens; at least two labels.
  if (domain.find('.') == domain.npos) return false;
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t end = domain.find('.', start);
    if (end == domain.npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char c : label)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
    start = end + 1;
  }
  return true;
}

}  // namespace fondaco::notifications
