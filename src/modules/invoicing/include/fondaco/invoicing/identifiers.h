// Italian fiscal identifiers and IBANs: syntax and check-digit validation.
//
// Every function checks one identifier exactly as given (no trimming, upper case only) and
// returns unprocessable (HTTP 422) naming `field` when it breaks the standard's rule, so
// the caller decides which input is at fault ("customer.vat_number"). Callers normalise
// user input (spaces, case) before calling, and store what they validated.
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "fondaco/base/result.h"

namespace fondaco::invoicing {

// Partita IVA: 11 digits, the last a Luhn-style check digit (odd positions as they are,
// even positions doubled minus 9 when over 9); all zeros is refused.
Result<void> check_partita_iva(std::string_view s, std::string_view field);

// Codice fiscale: a person's 16 characters (surname/name letters, year, month letter,
// day 1-31 or 41-71 for women, place, check letter; the 7 digit positions may carry the
// omocodia letters L-V) or an entity's 11 digits, which follow the partita IVA rule.
Result<void> check_codice_fiscale(std::string_view s, std::string_view field);

// SdI recipient code: 7 upper-case letters/digits for businesses ("0000000" = no code:
// delivered by PEC or through the tax drawer), 6 for public administrations (codice
// univoco ufficio, IPA).
Result<void> check_sdi_code(std::string_view s, bool public_administration,
                            std::string_view field);

// IBAN (ISO 13616): known country with its length (Italy 27 and every SEPA country),
// two check digits, alphanumerics, mod-97 = 1.
Result<void> check_iban(std::string_view s, std::string_view field);

}  // namespace fondaco::invoicing
