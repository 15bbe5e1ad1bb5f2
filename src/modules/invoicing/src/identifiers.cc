#include "fondaco/invoicing/identifiers.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace fondaco::invoicing {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

std::unexpected<Error> bad(std::string_view field, std::string message) {
  return fail(ErrorCode::unprocessable, std::move(message), std::string(field));
}

// The check character of a 16-character codice fiscale (DM 12/03/1974): characters in odd
// (1-based) positions map through this table, even ones to their ordinal.
constexpr std::array<int, 26> kCfOdd = {1,  0,  5,  7,  9,  13, 15, 17, 19, 21, 2,  4,  18,
                                        20, 11, 3,  6,  8,  12, 14, 16, 10, 22, 25, 24, 23};

int cf_ordinal(char c) { return is_digit(c) ? c - '0' : c - 'A'; }

char cf_check_char(std::string_view s) {
  int sum = 0;
  for (std::size_t i = 0; i < 15; ++i) {
    const int v = cf_ordinal(s[i]);
    sum += (i % 2 == 0) ? kCfOdd[static_cast<std::size_t>(v)] : v;
  }
  return static_cast<char>('A' + sum % 26);
}

// Omocodia replaces digits with L M N P Q R S T U V (0-9) to tell twins apart.
int cf_digit(char c) {
  if (is_digit(c)) return c - '0';
  constexpr std::string_view kOmocodia = "LMNPQRSTUV";
  const auto pos = kOmocodia.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

Result<void> check_personal_cf(std::string_view s, std::string_view field) {
  constexpr std::array<std::size_t, 7> kDigitPos = {6, 7, 9, 10, 12, 13, 14};
  constexpr std::array<std::size_t, 9> kLetterPos = {0, 1, 2, 3, 4, 5, 8, 11, 15};
  for (auto p : kLetterPos)
    if (!is_upper(s[p])) return bad(field, "codice fiscale: position " + std::to_string(p + 1) + " must be a letter");
  for (auto p : kDigitPos)
    if (cf_digit(s[p]) < 0) return bad(field, "codice fiscale: position " + std::to_string(p + 1) + " must be a digit");
  if (std::string_view("ABCDEHLMPRST").find(s[8]) == std::string_view::npos)
    return bad(field, "codice fiscale: the month letter is not one of ABCDEHLMPRST");
  const int day = cf_digit(s[9]) * 10 + cf_digit(s[10]);
  if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71)))
    return bad(field, "codice fiscale: the day must be 01-31 or 41-71");
  if (cf_check_char(s) != s[15]) return bad(field, "codice fiscale: wrong check character");
  return ok();
}

struct IbanCountry {
  std::string_view code;
  std::size_t length;
};
// ISO 13616 registry lengths for Italy, the SEPA countries and a few neighbours.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FR", 27}, {"GB", 22},
    {"GI", 23}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MT", 31}, {"NL", 18},
    {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
    {"SM", 27}, {"VA", 22},
};

}  // namespace

Result<void> check_partita_iva(std::string_view s, std::string_view field) {
  if (s.size() != 11 || !std::all_of(s.begin(), s.end(), is_digit))
    return bad(field, "partita IVA must be 11 digits");
  if (s == "00000000000") return bad(field, "partita IVA cannot be all zeros");
  int sum = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    int d = s[i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  if ((10 - sum % 10) % 10 != s[10] - '0') return bad(field, "partita IVA: wrong check digit");
  return ok();
}

Result<void> check_codice_fiscale(std::string_view s, std::string_view field) {
  if (s.size() == 11) {
    auto r = check_partita_iva(s, field);
    if (!r) return bad(field, "codice fiscale (11 digits): " + r.error().message);
    return ok();
  }
  if (s.size() != 16) return bad(field, "codice fiscale must be 16 characters (or 11 digits)");
  return check_personal_cf(s, field);
}

Result<void> check_sdi_code(std::string_view s, bool public_administration,
                            std::string_view field) {
  const std::size_t want = public_administration ? 6 : 7;
  if (s.size() != want)
    return bad(field, public_administration
                          ? "a public administration's SdI code has 6 characters"
                          : "an SdI recipient code has 7 characters");
  for (char c : s)
    if (!is_digit(c) && !is_upper(c))
      return bad(field, "an SdI code has only upper-case letters and digits");
  return ok();
}

Result<void> check_iban(std::string_view s, std::string_view field) {
  if (s.size() < 4) return bad(field, "IBAN too short");
  const auto* country = std::find_if(std::begin(kIbanCountries), std::end(kIbanCountries),
                                     [&](const IbanCountry& c) { return c.code == s.substr(0, 2); });
  if (country == std::end(kIbanCountries)) return bad(field, "IBAN: unknown country code");
  if (s.size() != country->length)
    return bad(field, "IBAN: " + std::string(country->code) + " IBANs have " +
                          std::to_string(country->length) + " characters");
  if (!is_digit(s[2]) || !is_digit(s[3])) return bad(field, "IBAN: the check digits are not digits");
  // Move the first four characters to the end, letters become 10..35, then mod 97.
  int rem = 0;
  for (std::size_t k = 0; k < s.size(); ++k) {
    const char c = s[(k + 4) % s.size()];
    if (is_digit(c)) {
      rem = (rem * 10 + (c - '0')) % 97;
    } else if (is_upper(c)) {
      rem = (rem * 100 + (c - 'A' + 10)) % 97;
    } else {
      return bad(field, "IBAN has only upper-case letters and digits");
    }
  }
  if (rem != 1) return bad(field, "IBAN: wrong check digits");
  return ok();
}

}  // namespace fondaco::invoicing
