// Fuzz target: the invoicing module's parsers of outside XML — SdI receipts
// (parse_sdi_receipt) and the FatturaPA arithmetic checker (check_fatturapa, which also
// reads files other systems produced). No database, no network.
//
// Input layout: the first byte picks the parser, the rest is its input. 'r' picks the
// receipt parser, 'f' the checker (seed files stay legible); any other byte picks byte % 2.
//
// Properties (a violation aborts under libFuzzer, or is counted by smoke_main.cc):
//   * nothing crashes, leaks or hangs (ASan/UBSan in the libFuzzer build);
//   * errors are invalid_argument and name a field;
//   * any input containing a DOCTYPE is refused by both (no entity, no DTD, no network);
//   * an accepted receipt has a known type (RC, NS, MC, NE), a NomeFile of 1-50 bytes, at
//     most kMaxSdiErrors errors, an Esito only on NE (EC01/EC02), valid UTF-8 everywhere;
//   * checker issues carry one of the documented codes.
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/invoicing/fatturapa.h"

#include "fuzz_support.h"

namespace {

namespace inv = fondaco::invoicing;
using fondaco::ErrorCode;

template <typename R>
void check_error(const R& r, const char* parser) {
  ++fondaco_fuzz::responses_4xx;
  FUZZ_CHECK(r.error().code == ErrorCode::invalid_argument, parser);
  FUZZ_CHECK(!r.error().field.empty(), parser);
}

bool has_doctype(std::string_view s) { return s.find("<!DOCTYPE") != std::string_view::npos; }

void fuzz_receipt(std::string_view xml) {
  auto r = inv::parse_sdi_receipt(xml);
  if (!r) return check_error(r, "receipt");
  ++fondaco_fuzz::responses_2xx;
  FUZZ_CHECK(!has_doctype(xml), "receipt accepted a DOCTYPE");
  FUZZ_CHECK(r->type == "RC" || r->type == "NS" || r->type == "MC" || r->type == "NE", "receipt type");
  FUZZ_CHECK(!r->file_name.empty() && r->file_name.size() <= 50, "NomeFile");
  FUZZ_CHECK(r->errors.size() <= fondaco::limits::kMaxSdiErrors, "errors");
  FUZZ_CHECK(r->outcome.has_value() == (r->type == "NE"), "Esito only on NE");
  if (r->outcome) FUZZ_CHECK(*r->outcome == "EC01" || *r->outcome == "EC02", "Esito value");
  FUZZ_CHECK(fondaco::is_valid_utf8(r->file_name), "utf8");
  for (const auto& e : r->errors)
    FUZZ_CHECK(fondaco::is_valid_utf8(e.code) && fondaco::is_valid_utf8(e.description), "utf8");
}

void fuzz_checker(std::string_view xml) {
  static const std::set<std::string> kCodes = {"00200", "00400", "00401", "00419", "00421",
                                               "00422", "00423", "00429", "00430", "FND01"};
  auto r = inv::check_fatturapa(xml);
  if (!r) return check_error(r, "checker");
  ++fondaco_fuzz::responses_2xx;
  FUZZ_CHECK(!has_doctype(xml), "checker accepted a DOCTYPE");
  for (const auto& i : *r) FUZZ_CHECK(kCodes.count(i.code) == 1, "unknown issue code " + i.code);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  char pick = static_cast<char>(data[0]);
  if (pick != 'r' && pick != 'f') pick = (data[0] % 2 == 0) ? 'r' : 'f';
  if (pick == 'r') {
    fuzz_receipt(input);
  } else {
    fuzz_checker(input);
  }
  return 0;
}
