#include "o2c_common.h"

#include <charconv>

namespace fondaco::workflows::o2c {
namespace {

const json::Value* member(const json::Document& doc, std::string_view key) {
  const auto& root = doc.root();
  if (!root.IsObject()) return nullptr;
  auto it = root.FindMember(json::Value(key.data(), static_cast<rapidjson::SizeType>(key.size())));
  return it == root.MemberEnd() ? nullptr : &it->value;
}

}  // namespace

std::optional<std::int64_t> payload_int(const events::Event& e, std::string_view key) {
  auto doc = json::parse(e.payload);
  if (!doc) return std::nullopt;
  const json::Value* v = member(**doc, key);
  if (!v || !v->IsInt64()) return std::nullopt;
  return v->GetInt64();
}

std::optional<std::string> payload_string(const events::Event& e, std::string_view key) {
  auto doc = json::parse(e.payload);
  if (!doc) return std::nullopt;
  const json::Value* v = member(**doc, key);
  if (!v || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

std::int64_t aggregate_id(const events::Event& e) {
  std::int64_t id = 0;
  const auto* end = e.aggregate_id.data() + e.aggregate_id.size();
  auto [p, ec] = std::from_chars(e.aggregate_id.data(), end, id);
  return ec == std::errc() && p == end ? id : 0;
}

}  // namespace fondaco::workflows::o2c
