// FatturaPA pieces that need no database: the amounts of a document (per-line net amounts,
// the VAT summary per rate and Natura, the stamp duty), the SdI arithmetic checker run on
// every generated file, and the parser of SdI receipts. Exposed so that workflows can
// preview a document and fuzz targets can reach the two parsers of outside input.
//
// Rounding: commercial half-up (round_half_up_div). With VAT-inclusive prices the amount a
// customer paid at one rate is split once per rate (VAT = gross × r / (1 + r), rounded),
// and the lines' net amounts are adjusted (largest line) so they add up to that taxable.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/invoicing/invoicing.h"

namespace fondaco::invoicing {

// Stamp duty (bollo virtuale) is due on the part of a document without VAT above €77.47.
inline constexpr std::int64_t kBolloThresholdMinor = 7747;
inline constexpr std::int64_t kBolloAmountMinor = 200;

// The Natura codes SdI accepts since 2021 (N2, N3 and N6 alone were retired).
bool is_current_natura(std::string_view n);
bool is_retired_natura(std::string_view n);

struct ComputedLine {
  int number = 0;  // NumeroLinea, from 1
  std::string description;
  std::string sku;
  std::int64_t qty = 1;
  std::int64_t net_minor = 0;       // PrezzoTotale
  std::int64_t unit_price_e8 = 0;   // PrezzoUnitario in 10^-8 units of currency
  int rate_bp = 0;
  std::optional<std::string> natura;
};

struct Computed {
  std::vector<ComputedLine> lines;  // the input lines, then shipping when not zero
  std::vector<VatSummary> summary;  // by rate descending, then natura
  std::int64_t taxable_minor = 0;
  std::int64_t vat_minor = 0;
  std::int64_t total_minor = 0;
  std::int64_t untaxed_minor = 0;  // lines with a Natura other than reverse charge (N6.x)
  bool stamp_duty = false;
};

// Checks the lines and shipping (invalid_argument / unprocessable naming
// "lines[i].qty", "lines[i].natura", "shipping.amount_minor"...) and computes the amounts.
Result<Computed> compute_amounts(const DocumentInput& in);

// A calendar day in Italy (Europe/Rome: CET, CEST from the last Sunday of March to the
// last Sunday of October, 01:00 UTC), which is what dates and fiscal years follow.
struct CivilDate {
  int year = 1970;
  int month = 1;
  int day = 1;
};
CivilDate rome_date(std::int64_t unix_ms);
std::string format_date(const CivilDate& d);  // YYYY-MM-DD

// "12.5" style decimal of a 10^-scale fixed-point value, at least 2 decimals.
std::string format_decimal(std::int64_t value, int scale);

// One broken SdI rule: the SdI error code ("00422") and where.
struct CheckIssue {
  std::string code;
  std::string message;
};
// SdI's arithmetic checks (Allegato A / specifiche tecniche) on a FatturaPA file:
// 00423 PrezzoTotale = PrezzoUnitario × Quantità with ScontoMaggiorazione (±0.01),
// 00422 ImponibileImporto = Σ PrezzoTotale at that rate and Natura + Arrotondamento (±1.00),
// 00421 Imposta = ImponibileImporto × AliquotaIVA / 100 (±1.00), 00400/00401 (lines) and
// 00429/00430 (summary) Natura iff AliquotaIVA is 0, 00419 a summary for every rate used,
// and FND01 ImportoTotaleDocumento = Σ (ImponibileImporto + Imposta) + Arrotondamento
// (±0.01), our own consistency rule. Returns the issues (empty: clean); invalid_argument
// for a file that is oversize, not well-formed or not a FatturaElettronica. Parsed with
// entities, DTDs and network off.
Result<std::vector<CheckIssue>> check_fatturapa(std::string_view xml);

// An SdI notification about a file we sent.
struct SdiReceipt {
  std::string type;  // RC, NS, MC, NE
  std::string file_name;  // NomeFile
  std::optional<std::string> sdi_identifier;  // IdentificativoSdI
  std::vector<SdiError> errors;  // NS: ListaErrori/Errore
  std::optional<std::string> outcome;  // NE: Esito EC01 (accepted) / EC02 (refused)
};
// Parses RicevutaConsegna, NotificaScarto, NotificaMancataConsegna or NotificaEsito (any
// namespace prefix). invalid_argument naming "body" for oversize, malformed or other XML.
Result<SdiReceipt> parse_sdi_receipt(std::string_view xml);

}  // namespace fondaco::invoicing
