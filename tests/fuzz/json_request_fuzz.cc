// Fuzz target: JSON request bodies through the whole HTTP API handler, without sockets.
//
// Input layout: the first byte picks the route, the remaining bytes are the request body.
// A readable letter picks a route directly (so seed files stay legible), any other byte
// picks route byte % 8:
//   p  POST  /api/v1/products        u  PATCH /api/v1/products/1
//   m  POST  /api/v1/stock/moves     c  POST  /api/v1/stock/counts
//   l  POST  /api/v1/locations       r  POST  /api/v1/reservations
//   x  POST  /api/v1/price-lists     t  POST  /api/v1/tokens
//
// Every request carries Content-Type: application/json and an admin bearer token, so it
// reaches the resource code. Properties checked (a violation aborts under libFuzzer, or is
// counted by the smoke runner in smoke_main.cc):
//   * the status is 2xx or 4xx, never 5xx (nor anything else);
//   * a 4xx is application/problem+json whose body is a JSON object with a string "code"
//     and a "status" equal to the HTTP status;
//   * a 2xx is application/json with a body that parses as JSON;
//   * json::parse and json::Object, run directly on the body: getters agree with the parsed
//     value, finish() agrees with which members were read, and parse → write → parse
//     reproduces the document.
//
// The service (SQLite database in a fresh /tmp directory, demo shop, admin token) is set up
// once, on the first input. Successful writes accumulate in the database; that is fine.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "app.h"
#include "fondaco/api/app.h"
#include "fondaco/api/http.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"

#include "fuzz_support.h"

namespace {

using fondaco::api::Request;
using fondaco::api::Response;
namespace json = fondaco::json;

struct RouteChoice {
  char letter;
  const char* method;
  const char* target;
};

constexpr RouteChoice kRoutes[] = {
    {'p', "POST", "/api/v1/products"},     {'u', "PATCH", "/api/v1/products/1"},
    {'m', "POST", "/api/v1/stock/moves"},  {'c', "POST", "/api/v1/stock/counts"},
    {'l', "POST", "/api/v1/locations"},    {'r', "POST", "/api/v1/reservations"},
    {'x', "POST", "/api/v1/price-lists"},  {'t', "POST", "/api/v1/tokens"},
};
constexpr std::size_t kRouteCount = sizeof(kRoutes) / sizeof(kRoutes[0]);

const RouteChoice& pick_route(std::uint8_t selector) {
  for (const auto& r : kRoutes)
    if (static_cast<std::uint8_t>(r.letter) == selector) return r;
  return kRoutes[selector % kRouteCount];
}

// The service every input talks to, built on first use and torn down at exit.
class Harness {
 public:
  Harness() {
    spdlog::set_level(spdlog::level::warn);
    char tmpl[] = "/tmp/fondaco-fuzz-XXXXXX";
    if (!mkdtemp(tmpl)) die("mkdtemp failed");
    dir_ = tmpl;
    auto rt = fondaco::app::make_runtime("sqlite:" + dir_ + "/fuzz.db");
    if (!rt) die("make_runtime: " + rt.error().message);
    rt_ = std::move(*rt);
    auto loaded = fondaco::app::load_demo(*rt_);
    if (!loaded) die("load_demo: " + loaded.error().message);
    auto token = rt_->db->write([&](fondaco::storage::Tx& tx) {
      return rt_->tokens->create(tx, "fuzz admin", fondaco::governance::Role::admin, rt_->random,
                                 rt_->clock.now_ms());
    });
    if (!token) die("token: " + token.error().message);
    authorization_ = "Bearer " + token->secret;
    handler_ = fondaco::api::make_api_handler(*rt_->services);
  }

  ~Harness() {
    handler_ = nullptr;
    rt_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  Response send(const RouteChoice& route, std::string body) {
    Request req;
    req.method = route.method;
    req.target = route.target;
    req.headers = {{"Host", "fuzz.local"},
                   {"Content-Type", "application/json"},
                   {"Authorization", authorization_}};
    req.body = std::move(body);
    req.remote_address = "127.0.0.1";
    return handler_(req);
  }

 private:
  [[noreturn]] void die(const std::string& why) {
    std::fprintf(stderr, "fuzz harness set-up failed: %s\n", why.c_str());
    std::abort();
  }

  std::string dir_;
  std::unique_ptr<fondaco::app::Runtime> rt_;
  fondaco::api::Handler handler_;
  std::string authorization_;
};

Harness& harness() {
  static Harness h;
  return h;
}

std::string header_of(const Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(h.name[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return h.value;
  }
  return {};
}

std::string describe(const RouteChoice& route, const Response& r) {
  std::string body = r.body.substr(0, 300);
  return std::string(route.method) + " " + route.target + " -> " + std::to_string(r.status) +
         " " + body;
}

void check_response(const RouteChoice& route, const Response& r) {
  const bool success = r.status >= 200 && r.status < 300;
  const bool client_error = r.status >= 400 && r.status < 500;
  if (success) ++fondaco_fuzz::responses_2xx;
  if (client_error) ++fondaco_fuzz::responses_4xx;
  FUZZ_CHECK(success || client_error, "status must be 2xx or 4xx: " + describe(route, r));
  if (client_error) {
    FUZZ_CHECK(header_of(r, "Content-Type") == "application/problem+json",
               "4xx must be problem+json: " + describe(route, r));
    auto doc = json::parse(r.body);
    FUZZ_CHECK(doc.has_value(), "problem body must be JSON: " + describe(route, r));
    if (!doc) return;
    const json::Value& root = (*doc)->root();
    FUZZ_CHECK(root.IsObject(), "problem body must be an object: " + describe(route, r));
    if (!root.IsObject()) return;
    auto code = root.FindMember("code");
    FUZZ_CHECK(code != root.MemberEnd() && code->value.IsString(),
               "problem must have a string code: " + describe(route, r));
    auto status = root.FindMember("status");
    FUZZ_CHECK(status != root.MemberEnd() && status->value.IsInt() &&
                   status->value.GetInt() == r.status,
               "problem status must match the HTTP status: " + describe(route, r));
  } else if (success) {
    FUZZ_CHECK(header_of(r, "Content-Type").starts_with("application/json"),
               "2xx must be application/json: " + describe(route, r));
    FUZZ_CHECK(json::parse(r.body).has_value(), "2xx body must be JSON: " + describe(route, r));
  }
}

// ---- json::parse and json::Object directly ----

struct Shape {
  std::size_t depth = 0;
  bool non_finite = false;  // a number beyond double range, which RapidJSON reads as ±inf
};

// Nesting depth without recursion (a 100 000-deep array must not overflow our stack).
Shape shape_of(const json::Value& root) {
  std::vector<std::pair<const json::Value*, std::size_t>> stack{{&root, 1}};
  Shape shape;
  while (!stack.empty()) {
    auto [v, d] = stack.back();
    stack.pop_back();
    shape.depth = std::max(shape.depth, d);
    if (v->IsDouble() && !std::isfinite(v->GetDouble())) shape.non_finite = true;
    if (v->IsArray())
      for (const auto& item : v->GetArray()) stack.emplace_back(&item, d + 1);
    else if (v->IsObject())
      for (const auto& m : v->GetObject()) stack.emplace_back(&m.value, d + 1);
  }
  return shape;
}

// Structural equality; doubles within a relative tolerance because RapidJSON's default
// (fast) number parsing may differ in the last bit from the shortest written form.
bool same_value(const json::Value& a, const json::Value& b) {
  if (a.IsNumber() && b.IsNumber()) {
    if (a.IsDouble() || b.IsDouble()) {
      const double x = a.GetDouble(), y = b.GetDouble();
      return x == y || std::fabs(x - y) <= 1e-15 * std::max(std::fabs(x), std::fabs(y));
    }
    if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
    if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
    return false;
  }
  if (a.GetType() != b.GetType()) return false;
  if (a.IsString())
    return std::string_view(a.GetString(), a.GetStringLength()) ==
           std::string_view(b.GetString(), b.GetStringLength());
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i)
      if (!same_value(a[i], b[i])) return false;
    return true;
  }
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    auto ib = b.MemberBegin();
    for (auto ia = a.MemberBegin(); ia != a.MemberEnd(); ++ia, ++ib)
      if (!same_value(ia->name, ib->name) || !same_value(ia->value, ib->value)) return false;
    return true;
  }
  return true;  // null, true, false: types already equal
}

void check_round_trip(const json::Value& root) {
  const Shape shape = shape_of(root);
  if (shape.depth > 64) return;  // Accept() and same_value() recurse
  // json::parse accepts numbers like 2e308 as infinity (no getter reads doubles, so the API
  // rejects them as non-integers); JSON cannot represent infinity, so the writer refuses.
  if (shape.non_finite) return;
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  FUZZ_CHECK(root.Accept(w), "writing a parsed document must succeed");
  const std::string_view text(buf.GetString(), buf.GetSize());
  auto again = json::parse(text);
  FUZZ_CHECK(again.has_value(), "a written document must parse again: " + std::string(text.substr(0, 200)));
  if (again)
    FUZZ_CHECK(same_value(root, (*again)->root()),
               "parse/write/parse must round-trip: " + std::string(text.substr(0, 200)));
}

void check_object(const json::Value& v, const std::string& path, int depth) {
  auto made = json::Object::of(v, path);
  FUZZ_CHECK(v.IsObject() || !made, "Object::of must refuse non-objects");
  if (!made) {
    FUZZ_CHECK(made.error().code == fondaco::ErrorCode::invalid_argument,
               "Object::of fails with invalid_argument");
    return;
  }
  {
    // Nothing read yet: finish() passes only for an empty object.
    json::Object fresh = *made;
    FUZZ_CHECK(fresh.finish().has_value() == (v.MemberCount() == 0),
               "finish() must reject unread members");
  }
  json::Object o = *made;
  const std::string missing = "\x01not-a-member";
  FUZZ_CHECK(!o.has(missing), "has() of a missing member");
  FUZZ_CHECK(!o.req_string(missing).has_value(), "req_string of a missing member must fail");
  FUZZ_CHECK(!o.req_int(missing).has_value(), "req_int of a missing member must fail");
  FUZZ_CHECK(!o.req_array(missing, 10).has_value(), "req_array of a missing member must fail");
  {
    auto s = o.opt_string(missing);
    FUZZ_CHECK(s.has_value() && !s->has_value(), "opt_string of a missing member is empty");
    auto a = o.opt_array(missing, 10);
    FUZZ_CHECK(a.has_value() && *a == nullptr, "opt_array of a missing member is null");
  }
  o.allow(missing);

  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    const std::string key(it->name.GetString(), it->name.GetStringLength());
    const json::Value& val = it->value;
    if (key.find('\0') != std::string::npos) {
      // Known limitation of json::Object: lookups go through RapidJSON's const char*
      // FindMember overload, so a key is cut at its first NUL. Resources only look up
      // NUL-free names, and finish() (which compares whole names) rejects such members, so
      // the API answers 400 "unknown field"; the getters are not checked for these keys.
      o.allow(key);
      continue;
    }
    FUZZ_CHECK(o.has(key) == !val.IsNull(), "has() must match presence and non-null");
    FUZZ_CHECK(o.field(key) == (path.empty() ? key : path + "." + key), "field() naming");
    if (val.IsNull()) {
      auto s = o.opt_string(key);
      FUZZ_CHECK(s.has_value() && !s->has_value(), "null counts as absent for opt_string");
      FUZZ_CHECK(!o.req_string(key).has_value(), "null does not satisfy req_string");
      continue;
    }
    auto s = o.opt_string(key, {1u << 20, 0, true});
    FUZZ_CHECK(!s || val.IsString(), "opt_string accepted a non-string");
    if (s && *s) {
      FUZZ_CHECK(**s == std::string_view(val.GetString(), val.GetStringLength()),
                 "opt_string must return the value unchanged");
      FUZZ_CHECK(s->value().find('\0') == std::string::npos, "opt_string let NUL through");
    }
    auto short_s = o.opt_string(key, {3, 0, false});
    if (short_s && *short_s) {
      FUZZ_CHECK(fondaco::utf8_length(**short_s) <= 3, "max_chars not enforced");
      FUZZ_CHECK((*short_s)->find_first_of("\n\r\t") == std::string::npos,
                 "single-line rule not enforced");
    }
    auto i = o.opt_int(key);
    FUZZ_CHECK(!i || val.IsInt64(), "opt_int accepted a non-int64");
    if (i && *i) FUZZ_CHECK(**i == val.GetInt64(), "opt_int changed the value");
    auto bounded = o.opt_int(key, {-5, 5});
    if (bounded && *bounded) FUZZ_CHECK(**bounded >= -5 && **bounded <= 5, "IntRule not enforced");
    auto b = o.opt_bool(key);
    FUZZ_CHECK(b.has_value() == val.IsBool(), "opt_bool must accept exactly booleans");
    auto arr = o.opt_array(key, 4);
    FUZZ_CHECK(arr.has_value() == (val.IsArray() && val.Size() <= 4), "opt_array size/type rule");
    auto req_arr = o.req_array(key, 4);
    FUZZ_CHECK(req_arr.has_value() == (val.IsArray() && val.Size() >= 1 && val.Size() <= 4),
               "req_array rule");
    auto obj = o.opt_object(key);
    FUZZ_CHECK(obj.has_value() == val.IsObject(), "opt_object must accept exactly objects");
    if (depth < 6) {
      if (val.IsObject()) check_object(val, o.field(key), depth + 1);
      if (val.IsArray()) {
        for (rapidjson::SizeType n = 0; n < val.Size() && n < 16; ++n) {
          const std::string item_path = json::index_path(o.field(key), n);
          if (val[n].IsObject()) check_object(val[n], item_path, depth + 1);
          auto str = json::check_string(val[n], item_path, {64, 1, false});
          FUZZ_CHECK(!str || val[n].IsString(), "check_string accepted a non-string");
        }
      }
    }
  }
  FUZZ_CHECK(o.finish().has_value(), "finish() must pass once every member was read");
}

void check_json_directly(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc) {
    FUZZ_CHECK(doc.error().code == fondaco::ErrorCode::invalid_argument,
               "parse errors are invalid_argument");
    FUZZ_CHECK(doc.error().field == "body", "parse errors name the body");
    return;
  }
  const json::Value& root = (*doc)->root();
  check_round_trip(root);
  if (root.IsObject()) {
    check_object(root, {}, 0);
  } else {
    FUZZ_CHECK(!json::Object::of(root).has_value(), "Object::of must refuse a non-object root");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const RouteChoice& route = pick_route(data[0]);
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  check_json_directly(body);
  const Response r = harness().send(route, std::move(body));
  check_response(route, r);
  return 0;
}
