#include "fondaco/platform/csv.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"

namespace fondaco::csv {
namespace {

// Bytes asked from the source per fill: large enough that the per-call cost vanishes,
// small enough that the reader's buffer stays a rounding error next to one record.
constexpr std::size_t kChunkBytes = 64 * 1024;

std::string trim_lower(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return ascii_lower(s);
}

}  // namespace

Reader::Reader(Source source, Options options) : source_(std::move(source)), options_(options) {}

Reader Reader::over(std::string_view data, Options options) {
  std::size_t offset = 0;
  return Reader(
      [data, offset](char* buffer, std::size_t capacity) mutable {
        std::size_t n = std::min(capacity, data.size() - offset);
        std::memcpy(buffer, data.data() + offset, n);
        offset += n;
        return n;
      },
      options);
}

// Drops the consumed prefix and appends one chunk from the source. false at the end.
bool Reader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  std::size_t old = buffer_.size();
  buffer_.resize(old + kChunkBytes);
  std::size_t n = source_(buffer_.data() + old, kChunkBytes);
  buffer_.resize(old + n);
  bytes_read_ += static_cast<std::int64_t>(n);
  if (n == 0) eof_ = true;
  return n > 0;
}

// The state of one record while it is being parsed.
struct Reader::Record {
  std::string field;
  std::size_t record_bytes = 0;
  bool field_started = false;  // a byte (or an opening quote) belongs to the current field
  bool in_quotes = false;
  bool after_close = false;  // the field's closing quote has been seen
};

namespace {

Error malformed(std::int64_t line, std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message),
                    "line " + std::to_string(line));
}

}  // namespace

void Reader::skip_bom() {
  started_ = true;
  while (buffer_.size() - pos_ < 3 && fill()) {
  }
  if (options_.skip_bom && buffer_.size() - pos_ >= 3 &&
      buffer_.compare(pos_, 3, "\xEF\xBB\xBF") == 0)
    pos_ += 3;
}

void Reader::take_line_end() {
  const char c = buffer_[pos_++];
  if (c == '\r') {
    if (pos_ == buffer_.size()) fill();
    if (pos_ < buffer_.size() && buffer_[pos_] == '\n') ++pos_;
  }
  ++line_;
}

bool Reader::skip_blank_lines() {
  for (;;) {
    if (pos_ == buffer_.size() && !fill()) return false;
    const char c = buffer_[pos_];
    if (c != '\n' && c != '\r') return true;
    take_line_end();
  }
}

Result<void> Reader::finish_field(Record& r, std::vector<std::string>& fields) {
  if (options_.check_utf8 && !is_valid_utf8(r.field))
    return fail(
        malformed(record_line_, "invalid UTF-8 in column " + std::to_string(fields.size() + 1)));
  if (fields.size() >= limits::kCsvMaxRecordFields)
    return fail(malformed(record_line_,
                          "more than " + std::to_string(limits::kCsvMaxRecordFields) + " columns"));
  fields.push_back(std::move(r.field));
  r.field.clear();
  r.field_started = r.in_quotes = r.after_close = false;
  return ok();
}

Result<void> Reader::grow(Record& r, std::size_t n) {
  r.record_bytes += n;
  if (r.record_bytes > limits::kCsvMaxRecordBytes)
    return fail(malformed(record_line_, "record longer than " +
                                            std::to_string(limits::kCsvMaxRecordBytes) + " bytes"));
  if (r.field.size() > limits::kCsvMaxFieldBytes)
    return fail(malformed(
        record_line_, "field longer than " + std::to_string(limits::kCsvMaxFieldBytes) + " bytes"));
  return ok();
}

// Inside quotes: copies the run up to the next quote in one go (counting the line breaks
// in it), then handles the quote: "" is a quote, anything else closes the field.
Result<void> Reader::read_quoted(Record& r) {
  std::size_t end = buffer_.find('"', pos_);
  if (end == std::string::npos) end = buffer_.size();
  std::string_view run(buffer_.data() + pos_, end - pos_);
  line_ += std::count(run.begin(), run.end(), '\n');
  r.field.append(run);
  pos_ = end;
  FONDACO_TRY(grow(r, run.size()));
  if (pos_ == buffer_.size()) return ok();  // more to come after the next fill
  ++pos_;                                   // the quote
  FONDACO_TRY(grow(r, 1));
  if (pos_ == buffer_.size()) fill();
  if (pos_ < buffer_.size() && buffer_[pos_] == '"') {
    r.field.push_back('"');
    ++pos_;
    return grow(r, 1);
  }
  r.in_quotes = false;
  r.after_close = true;
  return ok();
}

Result<bool> Reader::next(std::vector<std::string>& fields) {
  fields.clear();
  if (!started_) skip_bom();
  if (!skip_blank_lines()) return false;
  record_line_ = line_;
  Record r;
  const char delim = options_.delimiter;
  for (;;) {
    if (pos_ == buffer_.size() && !fill()) {
      if (r.in_quotes) return fail(malformed(record_line_, "a quoted field is not closed"));
      FONDACO_TRY(finish_field(r, fields));
      return true;
    }
    if (r.in_quotes) {
      FONDACO_TRY(read_quoted(r));
      continue;
    }
    const char c = buffer_[pos_];
    if (c == delim) {
      ++pos_;
      FONDACO_TRY(grow(r, 1));
      FONDACO_TRY(finish_field(r, fields));
      continue;
    }
    if (c == '\n' || c == '\r') {
      take_line_end();
      FONDACO_TRY(finish_field(r, fields));
      return true;
    }
    if (r.after_close)
      return fail(malformed(record_line_, "text after the closing quote in column " +
                                              std::to_string(fields.size() + 1)));
    if (c == '"' && options_.quoting && !r.field_started) {
      ++pos_;
      FONDACO_TRY(grow(r, 1));
      r.in_quotes = r.field_started = true;
      continue;
    }
    // An unquoted run: everything up to the next delimiter or line end.
    std::size_t end = pos_;
    while (end < buffer_.size() && buffer_[end] != delim && buffer_[end] != '\n' &&
           buffer_[end] != '\r')
      ++end;
    r.field.append(buffer_, pos_, end - pos_);
    FONDACO_TRY(grow(r, end - pos_));
    pos_ = end;
    r.field_started = true;
  }
}

Header::Header(std::span<const std::string> names) : names_(names.begin(), names.end()) {
  keys_.reserve(names_.size());
  for (const auto& n : names_) keys_.push_back(trim_lower(n));
}

std::optional<std::size_t> Header::index(std::string_view name) const {
  std::string key = trim_lower(name);
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key) return i;
  return std::nullopt;
}

std::optional<std::size_t> Header::index_any(std::initializer_list<std::string_view> names) const {
  for (auto n : names)
    if (auto i = index(n)) return i;
  return std::nullopt;
}

std::string escape(std::string_view field, char delimiter) {
  bool quote = !field.empty() && field.front() == ' ';
  for (char c : field)
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') {
      quote = true;
      break;
    }
  if (!quote) return std::string(field);
  std::string out;
  out.reserve(field.size() + 2);
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void append_record(std::string& out, std::span<const std::string> fields, char delimiter) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(delimiter);
    out += escape(fields[i], delimiter);
  }
  out += "\r\n";
}

void append_record(std::string& out, std::initializer_list<std::string_view> fields,
                   char delimiter) {
  bool first = true;
  for (auto f : fields) {
    if (!first) out.push_back(delimiter);
    first = false;
    out += escape(f, delimiter);
  }
  out += "\r\n";
}

}  // namespace fondaco::csv
