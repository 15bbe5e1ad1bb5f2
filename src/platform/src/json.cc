#include "fondaco/platform/json.h"

#include <rapidjson/error/en.h>

#include "fondaco/base/text.h"

namespace fondaco::json {

Result<std::unique_ptr<Document>> parse(std::string_view text) {
  auto doc = std::make_unique<Document>();
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseIterativeFlag;
  doc->raw().Parse<kFlags>(text.data(), text.size());
  if (doc->raw().HasParseError()) {
    const auto code = doc->raw().GetParseError();
    std::string msg = code == rapidjson::kParseErrorStringInvalidEncoding
                          ? "body is not valid UTF-8"
                          : std::string("malformed JSON: ") + rapidjson::GetParseError_En(code);
    msg += " at byte " + std::to_string(doc->raw().GetErrorOffset());
    return fail(ErrorCode::invalid_argument, msg, "body");
  }
  return doc;
}

std::string index_path(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

Result<Object> Object::of(const Value& v, std::string path) {
  if (!v.IsObject())
    return fail(ErrorCode::invalid_argument, "expected a JSON object",
                path.empty() ? "body" : path);
  // A repeated key is ambiguous (which one wins differs between parsers): reject it.
  std::set<std::string_view> keys;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    if (!keys.insert(k).second) {
      const std::string f = path.empty() ? std::string(k) : path + "." + std::string(k);
      return fail(ErrorCode::invalid_argument, "duplicate field", f);
    }
  }
  return Object(&v, std::move(path));
}

std::string Object::field(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

namespace {
// FindMember(const char*) would stop at an embedded NUL; compare the whole name instead.
json::Value::ConstMemberIterator find_member(const json::Value& obj, std::string_view key) {
  return obj.FindMember(
      json::Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
}
}  // namespace

bool Object::has(std::string_view key) const {
  auto it = find_member(*v_, key);
  return it != v_->MemberEnd() && !it->value.IsNull();
}

const Value* Object::find(std::string_view key) {
  seen_.insert(std::string(key));
  auto it = find_member(*v_, key);
  if (it == v_->MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

Result<std::string> check_string(const Value& v, const std::string& field, StringRule rule) {
  if (!v.IsString()) return fail(ErrorCode::invalid_argument, "must be a string", field);
  std::string s(v.GetString(), v.GetStringLength());
  const auto n = utf8_length(s);
  if (n > rule.max_chars)
    return fail(ErrorCode::invalid_argument,
                "must be at most " + std::to_string(rule.max_chars) + " characters", field);
  if (n < rule.min_chars)
    return fail(ErrorCode::invalid_argument,
                rule.min_chars == 1 ? "must not be empty"
                                    : "must be at least " + std::to_string(rule.min_chars) +
                                          " characters",
                field);
  if (s.find('\0') != std::string::npos ||
      (!rule.multiline && s.find_first_of("\n\r\t") != std::string::npos) ||
      has_control_chars(s))
    return fail(ErrorCode::invalid_argument, "must not contain control characters", field);
  return s;
}

Result<std::string> Object::req_string(std::string_view key, StringRule rule) {
  const Value* v = find(key);
  if (!v) return fail(ErrorCode::invalid_argument, "is required", field(key));
  if (rule.min_chars == 0) rule.min_chars = 1;
  return check_string(*v, field(key), rule);
}

Result<std::optional<std::string>> Object::opt_string(std::string_view key, StringRule rule) {
  const Value* v = find(key);
  if (!v) return std::optional<std::string>{};
  return FONDACO_TRY(check_string(*v, field(key), rule));
}

namespace {
Result<std::int64_t> check_int(const Value& v, const std::string& field, IntRule rule) {
  if (!v.IsInt64()) {
    if (v.IsNumber())
      return fail(ErrorCode::invalid_argument, "must be an integer within range", field);
    return fail(ErrorCode::invalid_argument, "must be an integer", field);
  }
  const std::int64_t n = v.GetInt64();
  if (n < rule.min || n > rule.max)
    return fail(ErrorCode::invalid_argument,
                "must be between " + std::to_string(rule.min) + " and " + std::to_string(rule.max),
                field);
  return n;
}
}  // namespace

Result<std::int64_t> Object::req_int(std::string_view key, IntRule rule) {
  const Value* v = find(key);
  if (!v) return fail(ErrorCode::invalid_argument, "is required", field(key));
  return check_int(*v, field(key), rule);
}

Result<std::optional<std::int64_t>> Object::opt_int(std::string_view key, IntRule rule) {
  const Value* v = find(key);
  if (!v) return std::optional<std::int64_t>{};
  return FONDACO_TRY(check_int(*v, field(key), rule));
}

Result<std::optional<bool>> Object::opt_bool(std::string_view key) {
  const Value* v = find(key);
  if (!v) return std::optional<bool>{};
  if (!v->IsBool()) return fail(ErrorCode::invalid_argument, "must be true or false", field(key));
  return v->GetBool();
}

Result<const Value*> Object::opt_array(std::string_view key, std::size_t max_items) {
  const Value* v = find(key);
  if (!v) return static_cast<const Value*>(nullptr);
  if (!v->IsArray()) return fail(ErrorCode::invalid_argument, "must be an array", field(key));
  if (v->Size() > max_items)
    return fail(ErrorCode::invalid_argument,
                "must have at most " + std::to_string(max_items) + " items", field(key));
  return v;
}

Result<const Value*> Object::req_array(std::string_view key, std::size_t max_items) {
  const Value* v = FONDACO_TRY(opt_array(key, max_items));
  if (!v || v->Empty())
    return fail(ErrorCode::invalid_argument, "must have at least one item", field(key));
  return v;
}

Result<const Value*> Object::opt_object(std::string_view key) {
  const Value* v = find(key);
  if (!v) return static_cast<const Value*>(nullptr);
  if (!v->IsObject()) return fail(ErrorCode::invalid_argument, "must be an object", field(key));
  return v;
}

Result<void> Object::finish() const {
  for (auto it = v_->MemberBegin(); it != v_->MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    if (!seen_.contains(k)) return fail(ErrorCode::invalid_argument, "unknown field", field(k));
  }
  return ok();
}

}  // namespace fondaco::json
