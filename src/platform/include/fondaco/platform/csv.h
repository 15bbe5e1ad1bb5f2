// Streaming CSV and TSV: one reader for every tabular file that comes from outside
// (Shopify and WooCommerce product CSVs, Amazon flat-file reports, orders exports) and a
// writer that escapes. The reader pulls bytes from a source in chunks and yields one record
// at a time, so a file of any size is read in constant memory; limits::kCsv* cap a field
// and a record so that a hostile file cannot make a record grow without bound.
//
// RFC 4180 with the usual real-world allowances: CRLF or LF line ends, a UTF-8 byte-order
// mark at the start is skipped (WooCommerce writes one), quoted fields may hold the
// delimiter, "" and line breaks. With `quoting = false` (Amazon's tab-separated reports) a
// quote is an ordinary character and a record is exactly one line. Malformed input (a
// quote left open at the end, text after a closing quote, invalid UTF-8, a record over the
// limits) is an Error with code invalid_argument and field "line N", N being the physical
// line where the record starts.
// Thread-safety: a Reader is used by one thread; the free functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/result.h"

namespace fondaco::csv {

struct Options {
  char delimiter = ',';
  bool quoting = true;
  bool skip_bom = true;
  bool check_utf8 = true;
};

class Reader {
 public:
  // `source` fills `buffer` with up to `capacity` bytes and returns how many; 0 = end.
  using Source = std::function<std::size_t(char* buffer, std::size_t capacity)>;
  Reader(Source source, Options options = {});
  // Reads from memory that outlives the reader.
  static Reader over(std::string_view data, Options options = {});

  // The next record into `fields` (cleared first). false at the end of input. Empty
  // lines between records are skipped.
  Result<bool> next(std::vector<std::string>& fields);
  // Physical line (1-based) where the record last returned by next() starts.
  std::int64_t line() const { return record_line_; }
  // Bytes taken from the source so far (for progress reports).
  std::int64_t bytes_read() const { return bytes_read_; }

 private:
  struct Record;  // the record being parsed (csv.cc)
  bool fill();
  void skip_bom();
  // Skips line ends before a record; false at the end of input.
  bool skip_blank_lines();
  // Consumes a line end at pos_ (LF, CRLF or CR) and counts the line.
  void take_line_end();
  Result<void> read_quoted(Record& r);
  Result<void> finish_field(Record& r, std::vector<std::string>& fields);
  Result<void> grow(Record& r, std::size_t n);
  Source source_;
  Options options_;
  std::string buffer_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  bool started_ = false;
  std::int64_t line_ = 1;
  std::int64_t record_line_ = 0;
  std::int64_t bytes_read_ = 0;
};

// Columns found by header name: trimmed, case-insensitive. Files whose column order
// differs between versions (Amazon reports, Shopify's 2024 headers) are read by name.
class Header {
 public:
  Header() = default;
  explicit Header(std::span<const std::string> names);
  std::optional<std::size_t> index(std::string_view name) const;
  // The first of several alternative names that is present (old and new header names).
  std::optional<std::size_t> index_any(std::initializer_list<std::string_view> names) const;
  std::size_t size() const { return names_.size(); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;  // as in the file
  std::vector<std::string> keys_;   // trimmed, lower-cased
};

// A field as the writer emits it: quoted when it holds the delimiter, a quote, CR or LF,
// or starts with a space; quotes doubled. Fields that a spreadsheet would run as a formula
// (starting with =, +, -, @) are written as they are: exports are data, not sheets.
std::string escape(std::string_view field, char delimiter = ',');
// Appends one record and "\r\n" (RFC 4180).
void append_record(std::string& out, std::span<const std::string> fields, char delimiter = ',');
void append_record(std::string& out, std::initializer_list<std::string_view> fields,
                   char delimiter = ',');

}  // namespace fondaco::csv
