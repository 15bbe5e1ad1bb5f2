// The seller's fiscal settings: one row, validated as a whole on every PUT.
#include <algorithm>
#include <array>

#include "fondaco/base/text.h"
#include "fondaco/invoicing/identifiers.h"
#include "fondaco/invoicing/invoicing.h"

namespace fondaco::invoicing {
namespace {

// RegimeFiscaleType of the FatturaPA 1.2.2 schema.
constexpr std::array<std::string_view, 18> kRegimes = {
    "RF01", "RF02", "RF04", "RF05", "RF06", "RF07", "RF08", "RF09", "RF10",
    "RF11", "RF12", "RF13", "RF14", "RF15", "RF16", "RF17", "RF18", "RF19"};

bool all_of(std::string_view s, bool (*pred)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), pred);
}
bool digit(char c) { return c >= '0' && c <= '9'; }
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool upper_or_digit(char c) { return digit(c) || upper(c); }

Result<void> text_field(const std::string& v, std::size_t max, const char* field) {
  if (v.empty() || !is_valid_utf8(v) || has_control_chars(v) || utf8_length(v) > max)
    return fail(ErrorCode::invalid_argument, "1-" + std::to_string(max) + " characters", field);
  return ok();
}

Result<void> email_field(const std::optional<std::string>& v, const char* field) {
  if (v && (v->size() < 7 || v->size() > 256 || v->find('@') == std::string::npos ||
            !is_valid_utf8(*v) || has_control_chars(*v) || v->find(' ') != std::string::npos))
    return fail(ErrorCode::invalid_argument, "not an e-mail address", field);
  return ok();
}

Result<void> check_address(const Address& a) {
  FONDACO_TRY(text_field(a.street, 60, "address.street"));
  FONDACO_TRY(text_field(a.city, 60, "address.city"));
  if (a.country != "IT")
    return fail(ErrorCode::unprocessable, "the seller must be established in Italy (IT)",
                "address.country");
  if (a.postcode.size() != 5 || !all_of(a.postcode, digit))
    return fail(ErrorCode::unprocessable, "CAP has 5 digits", "address.postcode");
  if (a.province.size() != 2 || !all_of(a.province, upper))
    return fail(ErrorCode::unprocessable, "Provincia is 2 upper-case letters", "address.province");
  return ok();
}

Result<void> check_rea(const FiscalSettings& s) {
  if (!s.rea_office && !s.rea_number && !s.rea_liquidation) return ok();
  if (!s.rea_office || s.rea_office->size() != 2 || !all_of(*s.rea_office, upper))
    return fail(ErrorCode::unprocessable, "REA Ufficio is a province (2 letters)", "rea_office");
  if (!s.rea_number || s.rea_number->empty() || s.rea_number->size() > 20 ||
      !all_of(*s.rea_number, upper_or_digit))
    return fail(ErrorCode::unprocessable, "NumeroREA: 1-20 letters or digits", "rea_number");
  if (!s.rea_liquidation || (*s.rea_liquidation != "LN" && *s.rea_liquidation != "LS"))
    return fail(ErrorCode::unprocessable, "StatoLiquidazione is LN or LS", "rea_liquidation");
  return ok();
}

Result<void> check_settings(const FiscalSettings& s) {
  FONDACO_TRY(text_field(s.company_name, 80, "company_name"));
  FONDACO_TRY(check_partita_iva(s.vat_number, "vat_number"));
  FONDACO_TRY(check_codice_fiscale(s.codice_fiscale, "codice_fiscale"));
  if (std::find(kRegimes.begin(), kRegimes.end(), s.regime_fiscale) == kRegimes.end())
    return fail(ErrorCode::unprocessable, "not a RegimeFiscale of FatturaPA 1.2.2 (RF01-RF19)",
                "regime_fiscale");
  FONDACO_TRY(check_address(s.address));
  FONDACO_TRY(check_rea(s));
  if (s.default_series.size() > 8 || !all_of(s.default_series, upper_or_digit))
    return fail(ErrorCode::invalid_argument, "1-8 upper-case letters or digits", "default_series");
  if (s.iban) FONDACO_TRY(check_iban(*s.iban, "iban"));
  FONDACO_TRY(email_field(s.pec, "pec"));
  FONDACO_TRY(email_field(s.email, "email"));
  return ok();
}

}  // namespace

Result<FiscalSettings> Invoicing::settings(storage::Tx& tx) {
  auto r = FONDACO_TRY(tx.query(
      "SELECT company_name, vat_number, codice_fiscale, regime_fiscale, street, postcode, city, "
      "province, country, rea_office, rea_number, rea_liquidation, default_series, iban, pec, "
      "email, issue_on, wants_invoice, updated_at FROM invoice_settings WHERE id = 1"));
  if (r.empty())
    return fail(ErrorCode::not_found, "the fiscal settings have not been saved yet", "settings");
  FiscalSettings s;
  s.company_name = r.text(0, 0);
  s.vat_number = r.text(0, 1);
  s.codice_fiscale = r.text(0, 2);
  s.regime_fiscale = r.text(0, 3);
  s.address = {r.text(0, 4), r.text(0, 5), r.text(0, 6), r.text(0, 7), r.text(0, 8)};
  s.rea_office = r.opt_text(0, 9);
  s.rea_number = r.opt_text(0, 10);
  s.rea_liquidation = r.opt_text(0, 11);
  s.default_series = r.text(0, 12);
  s.iban = r.opt_text(0, 13);
  s.pec = r.opt_text(0, 14);
  s.email = r.opt_text(0, 15);
  s.issue_on = parse_issue_on(r.text(0, 16)).value_or(IssueOn::paid);
  s.customer_wants_invoice_default = r.i64(0, 17) != 0;
  s.updated_at = r.i64(0, 18);
  return s;
}

Result<FiscalSettings> Invoicing::put_settings(storage::Tx& tx, const FiscalSettings& in,
                                               std::int64_t now_ms) {
  FONDACO_TRY(check_settings(in));
  const Address& a = in.address;
  FONDACO_TRY(tx.exec(
      "INSERT INTO invoice_settings (id, company_name, vat_number, codice_fiscale, "
      "regime_fiscale, street, postcode, city, province, country, rea_office, rea_number, "
      "rea_liquidation, default_series, iban, pec, email, issue_on, wants_invoice, updated_at) "
      "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET company_name = excluded.company_name, "
      "vat_number = excluded.vat_number, codice_fiscale = excluded.codice_fiscale, "
      "regime_fiscale = excluded.regime_fiscale, street = excluded.street, "
      "postcode = excluded.postcode, city = excluded.city, province = excluded.province, "
      "country = excluded.country, rea_office = excluded.rea_office, "
      "rea_number = excluded.rea_number, rea_liquidation = excluded.rea_liquidation, "
      "default_series = excluded.default_series, iban = excluded.iban, pec = excluded.pec, "
      "email = excluded.email, issue_on = excluded.issue_on, "
      "wants_invoice = excluded.wants_invoice, updated_at = excluded.updated_at",
      {in.company_name, in.vat_number, in.codice_fiscale, in.regime_fiscale, a.street, a.postcode,
       a.city, a.province, a.country, storage::opt_value(in.rea_office),
       storage::opt_value(in.rea_number), storage::opt_value(in.rea_liquidation),
       in.default_series, storage::opt_value(in.iban), storage::opt_value(in.pec),
       storage::opt_value(in.email), std::string(to_string(in.issue_on)),
       std::int64_t{in.customer_wants_invoice_default ? 1 : 0}, now_ms}));
  FiscalSettings out = in;
  out.updated_at = now_ms;
  return out;
}

}  // namespace fondaco::invoicing
