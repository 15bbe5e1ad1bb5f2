// Fuzz target: the carrier tracking-update parsers (fulfillment::parse_tracking_json and
// parse_tracking_csv), the bodies of POST /api/v1/shipments/tracking.
//
// Input layout: the first byte picks the parser — 'j' JSON, 'c' CSV, any other byte by its
// parity (even JSON, odd CSV) — and the remaining bytes are the body. Properties checked (a
// violation traps under libFuzzer, or is reported through fondaco_fuzz::on_violation when
// linked with tests/fuzz/smoke_main.cc):
//   * no crash, no sanitizer report, and an answer for every input;
//   * a rejection is invalid_argument (or payload_too_large) and names a field;
//   * an accepted body yields 1..kMaxTrackingUpdates updates, each with a tracking number
//     of 1-64 characters of [A-Za-z0-9_-] and a time that formats back to RFC 3339 and
//     parses to the same instant;
//   * parsing is deterministic (a second parse gives the same updates).
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/fulfillment/fulfillment.h"

#include "fuzz_support.h"

namespace {

namespace ful = fondaco::fulfillment;

bool tracking_chars_ok(const std::string& t) {
  if (t.empty() || t.size() > fondaco::limits::kMaxTrackingNumberChars) return false;
  for (char c : t)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
          c == '_'))
      return false;
  return true;
}

void check(const fondaco::Result<std::vector<ful::TrackingUpdate>>& r,
           const fondaco::Result<std::vector<ful::TrackingUpdate>>& again) {
  FUZZ_CHECK(r.has_value() == again.has_value(), "parse is deterministic");
  if (!r) {
    ++fondaco_fuzz::responses_4xx;
    const auto code = r.error().code;
    FUZZ_CHECK(code == fondaco::ErrorCode::invalid_argument ||
                   code == fondaco::ErrorCode::payload_too_large,
               "rejections are client errors");
    FUZZ_CHECK(!r.error().field.empty() || code == fondaco::ErrorCode::payload_too_large,
               "rejections name a field");
    return;
  }
  ++fondaco_fuzz::responses_2xx;
  FUZZ_CHECK(!r->empty() && r->size() <= fondaco::limits::kMaxTrackingUpdates, "update count");
  FUZZ_CHECK(r->size() == again->size(), "parse is deterministic");
  for (std::size_t i = 0; i < r->size() && i < again->size(); ++i) {
    const auto& u = (*r)[i];
    FUZZ_CHECK(tracking_chars_ok(u.tracking_number), "tracking number charset");
    FUZZ_CHECK(u.tracking_number == (*again)[i].tracking_number && u.at_ms == (*again)[i].at_ms &&
                   u.event == (*again)[i].event,
               "parse is deterministic");
    const auto back = fondaco::parse_rfc3339(fondaco::format_rfc3339_ms(u.at_ms));
    FUZZ_CHECK(back && *back == u.at_ms, "time round-trips through RFC 3339");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool csv = data[0] == 'c' || (data[0] != 'j' && (data[0] & 1) == 1);
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (csv) check(ful::parse_tracking_csv(body), ful::parse_tracking_csv(body));
  else check(ful::parse_tracking_json(body), ful::parse_tracking_json(body));
  return 0;
}
