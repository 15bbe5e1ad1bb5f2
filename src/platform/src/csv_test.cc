#include "fondaco/platform/csv.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "fondaco/base/limits.h"
#include "fondaco/platform/product_file.h"

namespace fondaco::csv {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// A reader whose source hands out at most `chunk` bytes per call, so that every token
// boundary (quote, "", CRLF, BOM) falls across a chunk boundary in some test.
Reader chunked(const std::string& data, std::size_t chunk, Options options = {}) {
  auto offset = std::make_shared<std::size_t>(0);
  auto copy = std::make_shared<std::string>(data);
  return Reader(
      [copy, offset, chunk](char* buffer, std::size_t capacity) {
        std::size_t n = std::min({capacity, chunk, copy->size() - *offset});
        std::memcpy(buffer, copy->data() + *offset, n);
        *offset += n;
        return n;
      },
      options);
}

Result<Rows> read_all(Reader reader, std::vector<std::int64_t>* lines = nullptr) {
  Rows rows;
  std::vector<std::string> fields;
  while (FONDACO_TRY(reader.next(fields))) {
    rows.push_back(fields);
    if (lines) lines->push_back(reader.line());
  }
  return rows;
}

Rows read_ok(const std::string& data, std::size_t chunk, Options options = {}) {
  auto r = read_all(chunked(data, chunk, options));
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message) << " chunk=" << chunk;
  return r.value_or(Rows{});
}

TEST(Csv, ReadsRfc4180WithQuotesNewlinesAndCrlfAtEveryChunkSize) {
  std::string data =
      "\xEF\xBB\xBFHandle,Title,Body\r\n"
      "tee,\"Tee, cotton\",\"She said \"\"hi\"\"\r\nsecond line\"\r\n"
      "\r\n"
      "mug,,\"\"\n"
      "last,x,\"\xC3\xA8 ok\"";
  Rows expected = {{"Handle", "Title", "Body"},
                   {"tee", "Tee, cotton", "She said \"hi\"\r\nsecond line"},
                   {"mug", "", ""},
                   {"last", "x", "\xC3\xA8 ok"}};
  for (std::size_t chunk : {1, 2, 3, 5, 7, 64, 100000}) {
    EXPECT_EQ(read_ok(data, chunk), expected) << chunk;
  }
}

TEST(Csv, ReportsThePhysicalLineWhereEachRecordStarts) {
  std::string data = "a,b\n\"x\ny\",1\n\nlast,2\n";
  std::vector<std::int64_t> lines;
  auto rows = read_all(chunked(data, 1), &lines);
  ASSERT_TRUE(rows.has_value());
  EXPECT_EQ(lines, (std::vector<std::int64_t>{1, 2, 5}));
}

TEST(Csv, TsvModeTreatsQuotesAsTextAndOneLineIsOneRecord) {
  Options tsv{.delimiter = '\t', .quoting = false};
  std::string data = "sku\tname\r\nA-1\t\"quoted\" 12\" tube\r\nB\t\n";
  for (std::size_t chunk : {1, 4, 4096}) {
    EXPECT_EQ(read_ok(data, chunk, tsv),
              (Rows{{"sku", "name"}, {"A-1", "\"quoted\" 12\" tube"}, {"B", ""}}));
  }
}

TEST(Csv, MalformedInputIsAnErrorNamingTheLine) {
  struct Case {
    std::string data;
    std::string field;
    std::string message_part;
  };
  std::vector<Case> cases = {
      {"a,b\nc,\"open\n", "line 2", "not closed"},
      {"a\n\"x\"y,1\n", "line 2", "after the closing quote"},
      {"a,b\n\n\nok,\xff\n", "line 4", "UTF-8 in column 2"},
      {"h\n\"a\xC0\xAF\"\n", "line 2", "UTF-8"},
  };
  for (const auto& c : cases) {
    for (std::size_t chunk : {1, 3, 1000}) {
      auto r = read_all(chunked(c.data, chunk));
      ASSERT_FALSE(r.has_value()) << c.data;
      EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
      EXPECT_EQ(r.error().field, c.field) << c.data;
      EXPECT_NE(r.error().message.find(c.message_part), std::string::npos) << r.error().message;
    }
  }
}

TEST(Csv, Utf8CheckCanBeTurnedOff) {
  Options latin1{.check_utf8 = false};
  EXPECT_EQ(read_ok("caf\xe9\n", 2, latin1), (Rows{{"caf\xe9"}}));
}

TEST(Csv, LimitsStopAHostileRecord) {
  std::string wide(limits::kCsvMaxRecordFields + 1, ',');
  auto r = read_all(Reader::over(wide));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("columns"), std::string::npos);

  std::string huge = "\"" + std::string(limits::kCsvMaxFieldBytes + 10, 'x') + "\"\n";
  r = read_all(Reader::over(huge));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("field longer"), std::string::npos);
  EXPECT_EQ(r.error().field, "line 1");

  // Many fields under the field limit that together exceed the record limit.
  std::string field(limits::kCsvMaxFieldBytes / 2, 'y');
  std::string big;
  for (std::size_t i = 0; i < limits::kCsvMaxRecordBytes / field.size() + 2; ++i)
    big += field + ",";
  r = read_all(Reader::over(big));
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("record longer"), std::string::npos);
}

TEST(Csv, BomIsKeptWhenNotSkippedAndBytesReadCounts) {
  std::string data = "\xEF\xBB\xBFx\n";
  EXPECT_EQ(read_ok(data, 1, Options{.skip_bom = false}), (Rows{{"\xEF\xBB\xBFx"}}));
  auto reader = Reader::over(data);
  std::vector<std::string> f;
  while (reader.next(f).value_or(false)) {
  }
  EXPECT_EQ(reader.bytes_read(), static_cast<std::int64_t>(data.size()));
}

TEST(Csv, WriterEscapesAndRoundTrips) {
  EXPECT_EQ(escape("plain"), "plain");
  EXPECT_EQ(escape("a,b"), "\"a,b\"");
  EXPECT_EQ(escape("say \"x\""), "\"say \"\"x\"\"\"");
  EXPECT_EQ(escape(" lead"), "\" lead\"");
  EXPECT_EQ(escape("=SUM(A1)"), "=SUM(A1)");
  EXPECT_EQ(escape("a\tb", '\t'), "\"a\tb\"");

  Rows rows = {{"Handle", "Body"}, {"x", "line1\nline2, \"q\""}, {"", " sp"}, {"=1", "\r"}};
  std::string out;
  for (const auto& r : rows) append_record(out, r);
  append_record(out, {"a", "b,c"});
  rows.push_back({"a", "b,c"});
  EXPECT_EQ(read_ok(out, 1), rows);
}

TEST(Csv, HeaderFindsColumnsByTrimmedCaseInsensitiveName) {
  std::vector<std::string> names = {"Handle", " Variant Price ", "Price / International"};
  Header h(names);
  EXPECT_EQ(h.index("handle"), 0u);
  EXPECT_EQ(h.index("VARIANT PRICE"), 1u);
  EXPECT_EQ(h.index("Price"), std::nullopt);
  EXPECT_EQ(h.index_any({"Price", "Variant Price"}), 1u);
  EXPECT_EQ(h.index_any({"nope"}), std::nullopt);
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.names()[1], " Variant Price ");
}

TEST(ProductFile, MoneyIsExactAndRefusesWhatIsNotAnAmount) {
  using product_file::parse_money;
  EXPECT_EQ(parse_money("12").value(), 1200);
  EXPECT_EQ(parse_money("12.5").value(), 1250);
  EXPECT_EQ(parse_money(" 0.07 ").value(), 7);
  EXPECT_EQ(parse_money(".5").value(), 50);
  EXPECT_EQ(parse_money("64.95").value(), 6495);  // 64.95 as a double is 64.9499...
  for (const char* bad : {"", "12.345", "-1", "1,50", "12.", "1e3", "abc", "99999999999999999"})
    EXPECT_FALSE(parse_money(bad).has_value()) << bad;
  EXPECT_EQ(product_file::format_money(6495), "64.95");
  EXPECT_EQ(product_file::format_money(5), "0.05");
  EXPECT_EQ(product_file::format_money(-150), "-1.50");
}

TEST(ProductFile, GramsCountsAndSlugs) {
  EXPECT_EQ(product_file::parse_grams("226.796185").value(), 227);
  EXPECT_EQ(product_file::parse_grams("145").value(), 145);
  EXPECT_EQ(product_file::parse_grams("0.4").value(), 0);
  EXPECT_FALSE(product_file::parse_grams("-3").has_value());
  EXPECT_FALSE(product_file::parse_grams("1.").has_value());
  EXPECT_EQ(product_file::parse_count("-4").value(), -4);
  EXPECT_FALSE(product_file::parse_count("4.5").has_value());
  EXPECT_EQ(product_file::slug("V-Neck T-Shirt!"), "v-neck-t-shirt");
  EXPECT_EQ(product_file::slug("  Caff\xC3\xA8  Nero "), "caff-nero");
}

}  // namespace
}  // namespace fondaco::csv
