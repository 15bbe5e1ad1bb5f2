#include "fondaco/platform/json.h"
#include "fondaco/testing/testing.h"

namespace fondaco::testing {

std::string json_at(const std::string& body, const std::string& path) {
  auto doc = json::parse(body);
  if (!doc) return "<invalid json>";
  const json::Value* v = &(*doc)->root();
  std::size_t i = 0;
  while (i < path.size() && v) {
    if (path[i] == '.') ++i;
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      const auto idx = std::stoul(path.substr(i + 1, close - i - 1));
      v = (v->IsArray() && idx < v->Size()) ? &(*v)[static_cast<rapidjson::SizeType>(idx)]
                                            : nullptr;
      i = close + 1;
      continue;
    }
    const auto end = path.find_first_of(".[", i);
    const std::string key = path.substr(i, end == std::string::npos ? end : end - i);
    if (!v->IsObject() || !v->HasMember(key.c_str())) return "<missing>";
    v = &(*v)[key.c_str()];
    i = end == std::string::npos ? path.size() : end;
  }
  if (!v) return "<missing>";
  if (v->IsString()) return v->GetString();
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  if (v->IsNull()) return "null";
  if (v->IsBool()) return v->GetBool() ? "true" : "false";
  if (v->IsArray()) return "[" + std::to_string(v->Size()) + "]";
  return "{...}";
}

}  // namespace fondaco::testing
