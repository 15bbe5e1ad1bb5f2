// Payment settings: webhook secrets, gateway credentials, the PayPal certificate and the
// bank account shown in transfer instructions (a key/value table; secrets stored as given —
// the database is as sensitive as the API tokens' owner, and the API never returns them).
#include <array>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/payments/payments.h"

namespace fondaco::payments {

using storage::Tx;

namespace {

struct Key {
  const char* name;
  std::string Settings::*field;
  std::optional<std::string> SettingsPatch::*patch;
};

constexpr std::array<Key, 8> kKeys = {{
    {"stripe_webhook_secret", &Settings::stripe_webhook_secret, &SettingsPatch::stripe_webhook_secret},
    {"stripe_webhook_secret_previous", &Settings::stripe_webhook_secret_previous,
     &SettingsPatch::stripe_webhook_secret_previous},
    {"stripe_api_base", &Settings::stripe_api_base, &SettingsPatch::stripe_api_base},
    {"stripe_secret_key", &Settings::stripe_secret_key, &SettingsPatch::stripe_secret_key},
    {"paypal_webhook_id", &Settings::paypal_webhook_id, &SettingsPatch::paypal_webhook_id},
    {"paypal_cert_pem", &Settings::paypal_cert_pem, &SettingsPatch::paypal_cert_pem},
    {"bank_iban", &Settings::bank_iban, &SettingsPatch::bank_iban},
    {"bank_holder", &Settings::bank_holder, &SettingsPatch::bank_holder},
}};

Result<void> check_text(const std::string& v, const char* field, std::size_t max, bool multiline) {
  if (v.size() > max || !is_valid_utf8(v) || (!multiline && has_control_chars(v)))
    return fail(ErrorCode::invalid_argument, "too long or not plain text", field);
  return ok();
}

bool is_loopback_http(std::string_view url) {
  for (std::string_view prefix : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (!url.starts_with(prefix)) continue;
    const std::string_view rest = url.substr(prefix.size());
    if (rest.empty() || rest[0] == ':' || rest[0] == '/') return true;
  }
  return false;
}

Result<void> validate(const SettingsPatch& p) {
  for (const auto& k : kKeys) {
    const auto& v = p.*(k.patch);
    if (!v) continue;
    const bool pem = k.patch == &SettingsPatch::paypal_cert_pem;
    FONDACO_TRY(check_text(*v, k.name, pem ? limits::kMaxCertificatePemBytes : limits::kMaxSecretChars, pem));
  }
  // The secret key travels in every request: plain http only to this machine (a local
  // test double or a proxy), https anywhere else.
  if (p.stripe_api_base && !p.stripe_api_base->empty() &&
      !p.stripe_api_base->starts_with("https://") && !is_loopback_http(*p.stripe_api_base))
    return fail(ErrorCode::invalid_argument, "must be an https URL (http only to localhost)",
                "stripe_api_base");
  if (p.stripe_api_base && p.stripe_api_base->ends_with("/"))
    return fail(ErrorCode::invalid_argument, "must not end with /", "stripe_api_base");
  if (p.paypal_cert_pem && !p.paypal_cert_pem->empty() &&
      p.paypal_cert_pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    return fail(ErrorCode::invalid_argument, "must be a PEM certificate", "paypal_cert_pem");
  if (p.bank_iban && !p.bank_iban->empty() && !is_valid_iban(*p.bank_iban))
    return fail(ErrorCode::unprocessable, "IBAN check digits do not verify", "bank_iban");
  return ok();
}

}  // namespace

bool is_valid_iban(std::string_view iban) {
  std::string s;
  for (char c : iban)
    if (c != ' ') s += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  if (s.size() < 15 || s.size() > 34) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool letter = c >= 'A' && c <= 'Z', digit = c >= '0' && c <= '9';
    if ((i < 2 && !letter) || (i >= 2 && i < 4 && !digit) || (!letter && !digit)) return false;
  }
  // ISO 13616: move the first four characters to the end, letters → 10..35, mod 97 == 1.
  const std::string r = s.substr(4) + s.substr(0, 4);
  int mod = 0;
  for (char c : r) {
    const int v = c >= 'A' ? c - 'A' + 10 : c - '0';
    mod = v >= 10 ? (mod * 100 + v) % 97 : (mod * 10 + v) % 97;
  }
  return mod == 1;
}

Result<Settings> Payments::settings(Tx& tx) {
  auto rows = FONDACO_TRY(tx.query("SELECT key, value FROM payment_settings"));
  Settings s;
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (const auto& k : kKeys)
      if (rows.text(i, 0) == k.name) s.*(k.field) = rows.text(i, 1);
  return s;
}

Result<Settings> Payments::update_settings(Tx& tx, const SettingsPatch& in) {
  FONDACO_TRY(validate(in));
  SettingsPatch p = in;
  const Settings before = FONDACO_TRY(settings(tx));
  // Rotation: the secret being replaced stays valid until the next rotation, so deliveries
  // signed before Stripe switched still verify.
  if (p.stripe_webhook_secret && !p.stripe_webhook_secret_previous &&
      *p.stripe_webhook_secret != before.stripe_webhook_secret)
    p.stripe_webhook_secret_previous = before.stripe_webhook_secret;
  for (const auto& k : kKeys) {
    const auto& v = p.*(k.patch);
    if (!v) continue;
    if (v->empty())
      FONDACO_TRY(tx.exec("DELETE FROM payment_settings WHERE key = ?", {std::string(k.name)}));
    else
      FONDACO_TRY(tx.exec("INSERT INTO payment_settings (key, value) VALUES (?, ?) "
                          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                          {std::string(k.name), *v}));
  }
  return settings(tx);
}

}  // namespace fondaco::payments
