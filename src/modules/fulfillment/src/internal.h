// Private to the fulfillment module: helpers shared by its translation units (row mapping,
// address JSON, label rendering). Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "fondaco/fulfillment/fulfillment.h"

namespace fondaco::fulfillment::detail {

std::string address_json(const Address& a);
Result<Address> address_from_json(std::string_view text);

// Loads the carrier row; not_found naming `field`.
Result<Carrier> load_carrier(storage::Tx& tx, std::string_view code, std::string_view field);

// "YYYY-MM-DD" of a unix-ms instant, UTC.
std::string utc_day(std::int64_t unix_ms);
bool is_valid_day(std::string_view day);

// Renderers of the shipping label. The PDF carries a Code 128 barcode of the tracking
// number drawn from zint's symbol as filled rectangles.
Result<std::string> label_pdf(const Shipment& s, const Carrier& c);
std::string label_zpl(const Shipment& s, const Carrier& c);

// UTF-8 to WinAnsi (what libharu's base-14 fonts print); unmappable characters become '?'.
std::string to_winansi(std::string_view utf8);

}  // namespace fondaco::fulfillment::detail
