// JSON in and out, on RapidJSON.
//
// In: parse() accepts one JSON document (UTF-8 validated, iterative parser so nesting
// cannot overflow the stack, depth and size bounded by the caller's body limit). Object
// reads every member a resource accepts through typed getters that validate and name the
// offending field; finish() then rejects members nobody asked for (unknown fields are an
// error, not silently dropped). Out: Writer is a thin builder over RapidJSON's writer.
// Thread-safety: values; use one instance per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "fondaco/base/result.h"

namespace fondaco::json {

using Value = rapidjson::Value;

// A parsed document; owns its memory.
class Document {
 public:
  const Value& root() const { return doc_; }
  rapidjson::Document& raw() { return doc_; }

 private:
  rapidjson::Document doc_;
};

// Parses text. Malformed JSON or invalid UTF-8 → invalid_argument naming the byte offset.
Result<std::unique_ptr<Document>> parse(std::string_view text);

struct StringRule {
  std::size_t max_chars = 255;   // in code points
  std::size_t min_chars = 0;
  bool multiline = false;        // allow \n \r \t
};

struct IntRule {
  std::int64_t min = INT64_MIN;
  std::int64_t max = INT64_MAX;
};

// A JSON object being read by a resource. `path` prefixes field names in errors.
class Object {
 public:
  // Fails with invalid_argument when v is not an object.
  static Result<Object> of(const Value& v, std::string path = {});

  bool has(std::string_view key) const;
  // Presence-with-null counts as absent for optional getters unless noted.
  Result<std::string> req_string(std::string_view key, StringRule rule = {});
  Result<std::optional<std::string>> opt_string(std::string_view key, StringRule rule = {});
  Result<std::int64_t> req_int(std::string_view key, IntRule rule = {});
  Result<std::optional<std::int64_t>> opt_int(std::string_view key, IntRule rule = {});
  Result<std::optional<bool>> opt_bool(std::string_view key);
  // Returns the array (possibly empty); fails when present and not an array or too long.
  Result<const Value*> opt_array(std::string_view key, std::size_t max_items);
  Result<const Value*> req_array(std::string_view key, std::size_t max_items);
  // Returns the nested object value; nullptr when absent.
  Result<const Value*> opt_object(std::string_view key);
  // Marks a key as known without reading it.
  void allow(std::string_view key) { seen_.insert(std::string(key)); }
  // Rejects any member not read or allowed.
  Result<void> finish() const;

  std::string field(std::string_view key) const;
  const std::string& path() const { return path_; }

 private:
  Object(const Value* v, std::string path) : v_(v), path_(std::move(path)) {}
  const Value* find(std::string_view key);
  const Value* v_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

// Validates a string value against a rule (used for array items too).
Result<std::string> check_string(const Value& v, const std::string& field, StringRule rule);
// "a.b" + "[3]".
std::string index_path(std::string_view path, std::size_t index);

// Builder for JSON output.
class Writer {
 public:
  Writer() : w_(buf_) {}
  Writer& begin_object() { w_.StartObject(); return *this; }
  Writer& end_object() { w_.EndObject(); return *this; }
  Writer& begin_array() { w_.StartArray(); return *this; }
  Writer& end_array() { w_.EndArray(); return *this; }
  Writer& key(std::string_view k) {
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  Writer& str(std::string_view s) {
    w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return *this;
  }
  Writer& i64(std::int64_t v) { w_.Int64(v); return *this; }
  Writer& boolean(bool v) { w_.Bool(v); return *this; }
  Writer& null() { w_.Null(); return *this; }
  // Inserts already-serialized JSON as one value.
  Writer& raw(std::string_view json) {
    w_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
  }
  Writer& kv(std::string_view k, std::string_view v) { return key(k).str(v); }
  Writer& kv(std::string_view k, const char* v) { return key(k).str(v); }
  Writer& kv(std::string_view k, const std::string& v) { return key(k).str(v); }
  Writer& kv(std::string_view k, std::int64_t v) { return key(k).i64(v); }
  Writer& kv(std::string_view k, int v) { return key(k).i64(v); }
  Writer& kv_bool(std::string_view k, bool v) { return key(k).boolean(v); }
  Writer& kv(std::string_view k, const std::optional<std::string>& v) {
    key(k);
    return v ? str(*v) : null();
  }
  Writer& kv(std::string_view k, const std::optional<std::int64_t>& v) {
    key(k);
    return v ? i64(*v) : null();
  }
  std::string take() { return std::string(buf_.GetString(), buf_.GetSize()); }
  std::string_view view() const { return {buf_.GetString(), buf_.GetSize()}; }

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

}  // namespace fondaco::json
