// Fuzz target: the streaming CSV/TSV reader (fondaco/platform/csv.h) and the product CSV
// formats on top of it (Shopify, WooCommerce). No database, no network.
//
// Input layout: byte 0 picks the mode (a readable letter directly, so seeds stay legible;
// any other byte % 4): c CSV, t TSV, s Shopify product CSV, w WooCommerce product CSV.
// Byte 1 is the chunk size the source hands out (1..256), the rest is the file.
//
// Properties (a violation aborts under libFuzzer, or is counted by smoke_main.cc):
//   * nothing crashes, leaks or hangs (ASan/UBSan in the libFuzzer build);
//   * the records and the error do not depend on how the input is chunked;
//   * an error is invalid_argument naming "line N"; accepted fields are valid UTF-8 within
//     kCsvMaxFieldBytes, records within kCsvMaxRecordFields; TSV fields hold no line break;
//   * write -> read round-trips: the records written by append_record read back equal;
//   * a product without errors has variants, each with a SKU and a price in range; every
//     row error has a line, a column and a reason;
//   * Shopify: exporting the accepted products and reading the export gives the same
//     handles, SKUs, options and prices.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/csv.h"
#include "fondaco/shopify/product_csv.h"
#include "fondaco/woocommerce/product_csv.h"
#include "fuzz_support.h"

namespace {

using namespace fondaco;
using Records = std::vector<std::vector<std::string>>;

csv::Reader::Source chunked(std::string_view data, std::size_t chunk) {
  auto offset = std::make_shared<std::size_t>(0);
  return [data, chunk, offset](char* buf, std::size_t cap) {
    std::size_t n = std::min({cap, chunk, data.size() - *offset});
    std::memcpy(buf, data.data() + *offset, n);
    *offset += n;
    return n;
  };
}

struct ReadAll {
  Records records;
  std::optional<Error> error;
};

ReadAll read_all(std::string_view data, std::size_t chunk, csv::Options o) {
  ReadAll out;
  csv::Reader r(chunked(data, chunk), o);
  std::vector<std::string> fields;
  for (std::size_t guard = 0; guard <= data.size() + 1; ++guard) {
    auto n = r.next(fields);
    if (!n) {
      out.error = n.error();
      break;
    }
    if (!*n) break;
    out.records.push_back(fields);
  }
  return out;
}

void fuzz_csv(std::string_view data, std::size_t chunk, bool tsv) {
  csv::Options o;
  if (tsv) {
    o.delimiter = '\t';
    o.quoting = false;
  }
  auto a = read_all(data, chunk, o);
  auto b = read_all(data, 1 << 16, o);
  FUZZ_CHECK(a.records == b.records, "chunking changes the records");
  FUZZ_CHECK(a.error.has_value() == b.error.has_value(), "chunking changes the outcome");
  if (a.error) {
    ++fondaco_fuzz::responses_4xx;
    FUZZ_CHECK(a.error->code == ErrorCode::invalid_argument, "error code");
    FUZZ_CHECK(a.error->field.starts_with("line "), "error names the line");
    FUZZ_CHECK(a.error->field == b.error->field, "chunking changes the error line");
    return;
  }
  ++fondaco_fuzz::responses_2xx;
  for (const auto& rec : a.records) {
    FUZZ_CHECK(rec.size() <= limits::kCsvMaxRecordFields, "record fields");
    for (const auto& f : rec) {
      FUZZ_CHECK(f.size() <= limits::kCsvMaxFieldBytes, "field size");
      FUZZ_CHECK(is_valid_utf8(f), "field UTF-8");
      if (tsv) FUZZ_CHECK(f.find_first_of("\r\n") == std::string::npos, "TSV line break");
    }
  }
  if (tsv) return;
  // Round trip; a record of one empty field is an empty line, which readers skip.
  std::string written;
  Records expected;
  for (const auto& rec : a.records) {
    if (rec.size() == 1 && rec[0].empty()) continue;
    csv::append_record(written, rec);
    expected.push_back(rec);
  }
  auto back = read_all(written, chunk, o);
  FUZZ_CHECK(!back.error && back.records == expected, "write -> read round trip");
}

template <typename Reader>
std::vector<product_file::ParsedProduct> read_products(std::string_view data, std::size_t chunk,
                                                       bool& failed) {
  Reader reader(chunked(data, chunk));
  std::vector<product_file::ParsedProduct> out;
  failed = false;
  for (std::size_t guard = 0; guard <= data.size() + 1; ++guard) {
    auto p = reader.next();
    if (!p) {
      failed = true;
      FUZZ_CHECK(p.error().field.starts_with("line "), "hard error names the line");
      break;
    }
    if (!*p) break;
    out.push_back(std::move(**p));
  }
  return out;
}

void check_products(const std::vector<product_file::ParsedProduct>& products) {
  for (const auto& p : products) {
    if (!p.errors.empty()) {
      ++fondaco_fuzz::responses_4xx;
      for (const auto& e : p.errors)
        FUZZ_CHECK(e.line >= 1 && !e.column.empty() && !e.reason.empty(), "row error");
      continue;
    }
    ++fondaco_fuzz::responses_2xx;
    FUZZ_CHECK(!p.product.variants.empty(), "accepted product has variants");
    for (const auto& v : p.product.variants) {
      FUZZ_CHECK(!v.sku.empty(), "variant SKU");
      FUZZ_CHECK(v.price_minor && *v.price_minor >= 0 && *v.price_minor <= limits::kMaxAmountMinor,
                 "variant price");
    }
  }
}

void shopify_round_trip(const std::vector<product_file::ParsedProduct>& products) {
  std::string out = shopify::product_csv_header();
  std::vector<std::string> handles;
  for (const auto& p : products) {
    if (!p.errors.empty()) return;
    for (const auto& h : handles)
      if (h == p.product.handle) return;  // not adjacent in the file: two products
    // The format names options once per product: variants naming them differently
    // cannot be written faithfully.
    for (const auto& v : p.product.variants) {
      if (v.options.size() != p.product.variants[0].options.size()) return;
      for (std::size_t o = 0; o < v.options.size(); ++o)
        if (v.options[o].first != p.product.variants[0].options[o].first) return;
    }
    handles.push_back(p.product.handle);
    shopify::append_product_csv(out, p.product);
  }
  bool failed = false;
  auto back = read_products<shopify::ProductCsvReader>(out, 1 << 16, failed);
  FUZZ_CHECK(!failed && back.size() == products.size(), "shopify export reads back");
  for (std::size_t i = 0; i < std::min(back.size(), products.size()); ++i) {
    const auto& a = products[i].product;
    const auto& b = back[i].product;
    FUZZ_CHECK(a.handle == b.handle && a.variants.size() == b.variants.size(), "shopify product");
    for (std::size_t v = 0; v < std::min(a.variants.size(), b.variants.size()); ++v)
      FUZZ_CHECK(a.variants[v].sku == b.variants[v].sku &&
                     a.variants[v].options == b.variants[v].options &&
                     a.variants[v].price_minor == b.variants[v].price_minor,
                 "shopify variant");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  char mode = static_cast<char>(data[0]);
  if (mode != 'c' && mode != 't' && mode != 's' && mode != 'w') mode = "ctsw"[data[0] % 4];
  const std::size_t chunk = 1 + data[1] % 256;
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  bool failed = false;
  switch (mode) {
    case 'c':
      fuzz_csv(input, chunk, false);
      break;
    case 't':
      fuzz_csv(input, chunk, true);
      break;
    case 's': {
      auto products = read_products<shopify::ProductCsvReader>(input, chunk, failed);
      check_products(products);
      if (!failed) shopify_round_trip(products);
      break;
    }
    default: {
      auto products = read_products<woocommerce::ProductCsvReader>(input, chunk, failed);
      check_products(products);
      break;
    }
  }
  return 0;
}
