// Request dispatch: match the route, authenticate, check the role, run the resource,
// map errors to problem+json, record per-route metrics.
#include <algorithm>
#include <array>
#include <atomic>
#include <memory>

#include <spdlog/spdlog.h>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/metrics.h"
#include "fondaco/platform/system.h"
#include "router.h"

namespace fondaco::api {

Access public_access() { return Access{true, {}}; }
Access any_role() {
  return Access{false,
                {Role::admin, Role::manager, Role::marketing, Role::purchasing, Role::logistics,
                 Role::customer_care, Role::accounting, Role::integration}};
}
Access roles(std::initializer_list<Role> r) { return Access{false, std::vector<Role>(r)}; }

std::optional<std::string> url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  if (!is_valid_utf8(out) || out.find('\0') != std::string::npos) return std::nullopt;
  return out;
}

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto end = path.find('/', start);
    out.push_back(path.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

struct Entry {
  Route route;
  std::vector<std::string> segments;
  metrics::Histogram* latency = nullptr;
  std::array<std::atomic<metrics::Counter*>, 600> by_status{};

  metrics::Counter& counter(int status) {
    if (status < 100 || status >= 600) status = 500;
    auto* c = by_status[status].load(std::memory_order_acquire);
    if (c) return *c;
    c = &metrics::global().counter(
        "fondaco_http_requests_total", "HTTP requests by route, method and status",
        "route=\"" + metrics::escape_label(route.pattern) + "\",method=\"" + route.method +
            "\",status=\"" + std::to_string(status) + "\"");
    by_status[status].store(c, std::memory_order_release);
    return *c;
  }
};

bool has_suffix_capture(const Entry& e) {
  for (const auto& p : e.segments)
    if (p.size() > 2 && p.front() == '{' && p.back() != '}') return true;
  return false;
}

class Router {
 public:
  explicit Router(Services& s) : s_(s) {
    // Only this process writes a SQLite database, so its commit listeners see every change
    // and the cache can be exact. With PostgreSQL other nodes write too: no cache.
    if (s.db.engine() == storage::Engine::sqlite) {
      variant_cache_ = std::make_shared<ReadCache>(limits::kReadCacheMaxEntries);
      s.log.add_commit_listener([cache = variant_cache_](std::string_view, std::string_view aggregate,
                                                          std::string_view id) {
        if (aggregate == "stock") cache->invalidate(id);
        else if (aggregate == "product" || aggregate == "price_list") cache->clear();
      });
    }
    for (auto group : {system_routes, catalog_routes, inventory_routes, governance_routes,
                      orders_routes, channels_routes, carts_routes, payments_routes, invoicing_routes,
                      fulfillment_routes, returns_routes, automations_routes,
                      emails_routes, users_routes, dashboard_routes, channel_inbound_routes,
                      webhooks_routes, imports_routes})
      for (auto& r : group()) add(std::move(r));
    // A capture with a literal suffix ("{id}.pdf") is more specific than a bare capture
    // ("{id}") that would also match its segment, so those routes are tried first.
    std::stable_sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
      return has_suffix_capture(*a) && !has_suffix_capture(*b);
    });
    unmatched_ = &metrics::global().counter("fondaco_http_unmatched_requests_total",
                                            "Requests that matched no route");
  }

  Response handle(const Request& req) {
    const auto t0 = platform::monotonic_micros();
    Ctx ctx{req,         s_,           {}, {}, std::nullopt, token_cache_, std::nullopt, false,
            variant_cache_.get(), &users_, std::nullopt, std::nullopt};
    Entry* entry = nullptr;
    Response resp = dispatch(ctx, entry);
    if (entry) {
      entry->latency->observe_micros(platform::monotonic_micros() - t0);
      entry->counter(resp.status).inc();
    } else {
      unmatched_->inc();
    }
    return resp;
  }

 private:
  void add(Route r) {
    auto e = std::make_unique<Entry>();
    for (auto seg : split_path(r.pattern)) e->segments.emplace_back(seg);
    e->latency = &metrics::global().histogram(
        "fondaco_http_request_duration_seconds", "HTTP request latency by route",
        "route=\"" + metrics::escape_label(r.pattern) + "\",method=\"" + r.method + "\"");
    e->route = std::move(r);
    entries_.push_back(std::move(e));
  }

  bool match(const Entry& e, const std::vector<std::string_view>& segs, Ctx& ctx) {
    if (segs.size() != e.segments.size()) return false;
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const auto& p = e.segments[i];
      if (p.size() > 2 && p.front() == '{') {
        // "{id}" captures the whole segment; "{id}.xml" captures what precedes the suffix.
        const auto close = p.find('}');
        const std::string_view suffix = std::string_view(p).substr(close + 1);
        std::string_view seg = segs[i];
        if (!suffix.empty()) {
          if (seg.size() <= suffix.size() || !seg.ends_with(suffix)) return false;
          seg.remove_suffix(suffix.size());
        }
        auto v = url_decode(seg, false);
        if (!v || v->empty()) return false;
        ctx.path[p.substr(1, close - 1)] = std::move(*v);
      } else if (p != segs[i]) {
        return false;
      }
    }
    return true;
  }

  Result<void> parse_query(Ctx& ctx, std::string_view q) {
    while (!q.empty()) {
      const auto amp = q.find('&');
      const auto pair = q.substr(0, amp);
      q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
      if (pair.empty()) continue;
      const auto eq = pair.find('=');
      auto k = url_decode(pair.substr(0, eq), true);
      auto v = url_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
      if (!k || !v) return fail(ErrorCode::invalid_argument, "malformed query string", "query");
      if (ctx.query.contains(*k))
        return fail(ErrorCode::invalid_argument, "repeated query parameter", *k);
      ctx.query.emplace(std::move(*k), std::move(*v));
    }
    return ok();
  }

  Response dispatch(Ctx& ctx, Entry*& matched) {
    std::string_view target = ctx.req.target;
    const auto qpos = target.find('?');
    const std::string_view path = target.substr(0, qpos);
    if (path.empty() || path.front() != '/')
      return problem_response(make_error(ErrorCode::invalid_argument, "bad request target"));
    const auto segs = split_path(path);
    std::string allow;
    for (auto& e : entries_) {
      ctx.path.clear();
      if (!match(*e, segs, ctx)) continue;
      if (e->route.method != ctx.req.method &&
          !(ctx.req.method == "HEAD" && e->route.method == "GET")) {
        allow += allow.empty() ? e->route.method : ", " + e->route.method;
        continue;
      }
      matched = e.get();
      break;
    }
    if (!matched) {
      if (!allow.empty()) {
        Response r = problem_response(
            make_error(ErrorCode::method_not_allowed, "method not allowed on this resource"));
        r.set_header("Allow", allow);
        return r;
      }
      return problem_response(make_error(ErrorCode::not_found, "no such resource"));
    }
    if (qpos != std::string_view::npos)
      if (auto q = parse_query(ctx, target.substr(qpos + 1)); !q) return problem_response(q.error());
    if (auto a = authorize(ctx, matched->route.access); !a) return problem_response(a.error());
    return run(ctx, matched->route);
  }

  Result<void> authorize(Ctx& ctx, const Access& access) {
    if (access.public_route) return ok();
    const std::string_view auth = ctx.req.header("Authorization");
    const std::string_view cookie = cookie_value(ctx.req, kSessionCookie);
    if (!auth.empty()) {
      FONDACO_TRY(authorize_bearer(ctx, auth));
    } else if (!cookie.empty()) {
      FONDACO_TRY(authorize_session(ctx, cookie));
    } else {
      return fail(ErrorCode::unauthorized,
                  "missing Authorization: Bearer <token> header or session cookie");
    }
    const Role role = ctx.principal->role;
    if (role != Role::admin) {
      bool allowed = false;
      for (Role r : access.roles) allowed = allowed || r == role;
      if (!allowed)
        return fail(ErrorCode::forbidden,
                    "role " + std::string(governance::to_string(role)) + " may not use this route");
    }
    return ok();
  }

  Result<void> authorize_bearer(Ctx& ctx, std::string_view auth) {
    if (auth.size() < 7 || (auth.substr(0, 7) != "Bearer " && auth.substr(0, 7) != "bearer "))
      return fail(ErrorCode::unauthorized, "Authorization must use the Bearer scheme");
    const std::string_view secret = auth.substr(7);
    const std::int64_t now = platform::monotonic_micros() / 1000;
    std::optional<governance::Token> token = token_cache_.find(secret, now);
    if (!token) {
      const auto generation = token_cache_.generation();
      auto verified =
          s_.db.read([&](storage::Tx& tx) { return s_.tokens.authenticate(tx, secret); });
      if (!verified) return fail(verified.error());
      token_cache_.put(std::string(secret), *verified, now, generation);
      token = std::move(*verified);
    }
    ctx.principal = Principal{Principal::Kind::token, token->id, token->role};
    ctx.token = std::move(*token);
    return ok();
  }

  // The cookie is sent by the browser on its own, so a state change also needs the
  // session's CSRF token in a header that another site's page cannot set.
  Result<void> authorize_session(Ctx& ctx, std::string_view secret) {
    const std::int64_t now = ctx.now_ms();
    auto session = FONDACO_TRY(
        s_.db.read([&](storage::Tx& tx) { return users_.authenticate_session(tx, secret, now); }));
    const std::string_view m = ctx.req.method;
    if (m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE") {
      const std::string_view sent = ctx.req.header("X-CSRF-Token");
      if (sent.empty() || !platform::constant_time_equal(sent, session.csrf_token))
        return fail(ErrorCode::csrf_failed,
                    "a state change with the session cookie needs the session's X-CSRF-Token",
                    "X-CSRF-Token");
    }
    if (now - session.last_seen_at >= limits::kSessionTouchIntervalMs)
      FONDACO_TRY(s_.writes.write(
          [&](storage::Tx& tx) { return users_.touch_session(tx, session.id, now); }));
    ctx.principal = Principal{Principal::Kind::user, session.user.id, session.user.role};
    ctx.session = std::move(session);
    return ok();
  }

  Response run(Ctx& ctx, const Route& route) {
    if (ctx.req.method == "POST" && ctx.principal) {
      auto key = Idempotency::from_request(ctx.req, ctx.principal->idempotency_scope());
      if (!key) return problem_response(key.error());
      if (*key) return run_idempotent(ctx, route, std::move(**key));
    }
    return run_plain(ctx, route);
  }

  Response run_plain(Ctx& ctx, const Route& route) {
    Result<Response> r = route.fn(ctx);
    if (r) return std::move(*r);
    if (r.error().code == ErrorCode::internal || r.error().code == ErrorCode::unavailable)
      spdlog::error("{} {}: {}", ctx.req.method, route.pattern, r.error().message);
    return problem_response(r.error());
  }

  Response run_idempotent(Ctx& ctx, const Route& route, IdempotencyKey key) {
    if (auto stored = idempotency_.replay(s_.db, key); !stored || *stored)
      return stored ? std::move(**stored) : problem_response(stored.error());
    if (!idempotency_.begin(key))
      return problem_response(make_error(ErrorCode::conflict,
                                         "a request with this Idempotency-Key is in progress",
                                         "Idempotency-Key"));
    struct Release {
      Idempotency& i;
      const IdempotencyKey& k;
      ~Release() { i.end(k); }
    } release{idempotency_, key};
    // The first request may have finished between the replay check and begin().
    if (auto stored = idempotency_.replay(s_.db, key); !stored || *stored)
      return stored ? std::move(**stored) : problem_response(stored.error());
    ctx.idem = key;
    Response r = run_plain(ctx, route);
    if (r.status / 100 == 2 && !ctx.idem_recorded)
      spdlog::error("POST {} succeeded without recording its Idempotency-Key", route.pattern);
    if (r.status == 409 && !ctx.idem_recorded) {
      // Another node may have committed the same key first: answer with its response.
      if (auto stored = idempotency_.replay(s_.db, key); !stored || *stored)
        return stored ? std::move(**stored) : problem_response(stored.error());
    }
    return r;
  }

  Services& s_;
  governance::Users users_{s_.log};
  TokenCache token_cache_;
  Idempotency idempotency_;
  std::shared_ptr<ReadCache> variant_cache_;
  std::vector<std::unique_ptr<Entry>> entries_;
  metrics::Counter* unmatched_;
};

}  // namespace

Handler make_api_handler(Services& services) {
  auto router = std::make_shared<Router>(services);
  return [router](const Request& req) {
    Response r = router->handle(req);
    if (req.method == "HEAD") r.body.clear();
    return r;
  };
}

std::vector<RouteInfo> route_table() {
  std::vector<RouteInfo> out;
  for (auto group : {system_routes, catalog_routes, inventory_routes, governance_routes,
                      orders_routes, channels_routes, carts_routes, payments_routes, invoicing_routes,
                      fulfillment_routes, returns_routes, automations_routes,
                      emails_routes, users_routes, dashboard_routes, channel_inbound_routes,
                      webhooks_routes, imports_routes})
    for (auto& r : group()) out.push_back(RouteInfo{r.method, r.pattern});
  return out;
}

std::optional<governance::Token> TokenCache::find(std::string_view secret,
                                                  std::int64_t now_ms) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(secret);
  if (it == entries_.end() || it->second.expires_ms <= now_ms) return std::nullopt;
  return it->second.token;
}

std::uint64_t TokenCache::generation() const {
  std::shared_lock lock(mu_);
  return generation_;
}

void TokenCache::put(std::string secret, governance::Token token, std::int64_t now_ms,
                     std::uint64_t generation) {
  std::unique_lock lock(mu_);
  if (generation != generation_) return;  // a revocation happened while we verified
  // Bounded: when full, start over (entries are cheap to re-verify).
  if (entries_.size() >= limits::kTokenCacheMaxEntries) entries_.clear();
  entries_.insert_or_assign(std::move(secret),
                            Entry{std::move(token), now_ms + limits::kTokenCacheTtlMs});
}

void TokenCache::clear() {
  std::unique_lock lock(mu_);
  entries_.clear();
  ++generation_;
}

Result<std::int64_t> prune_idempotency_keys(storage::Database& db, std::int64_t before_ms) {
  return db.write([&](storage::Tx& tx) { return Idempotency::prune(tx, before_ms); });
}

// ---- helpers shared by resource files ----

std::string_view cookie_value(const Request& req, std::string_view name) {
  std::string_view h = req.header("Cookie");
  while (!h.empty()) {
    const auto semi = h.find(';');
    std::string_view pair = h.substr(0, semi);
    h = semi == std::string_view::npos ? std::string_view{} : h.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return {};
}

Result<std::unique_ptr<json::Document>> json_body(const Ctx& c) {
  const auto ct = c.req.header("Content-Type");
  if (!ct.starts_with("application/json"))
    return fail(ErrorCode::unsupported_media_type, "Content-Type must be application/json",
                "Content-Type");
  if (c.req.body.size() > limits::kMaxRequestBodyBytes)
    return fail(ErrorCode::payload_too_large, "request body too large", "body");
  return json::parse(c.req.body);
}

Result<void> allow_query(const Ctx& c, std::initializer_list<std::string_view> names) {
  for (const auto& [k, v] : c.query) {
    bool known = false;
    for (auto n : names) known = known || n == k;
    if (!known) return fail(ErrorCode::invalid_argument, "unknown query parameter", k);
  }
  return ok();
}

std::string encode_cursor(std::int64_t after_id) {
  return base64url_encode("v1:" + std::to_string(after_id));
}

Result<PageRequest> page_request(const Params& query, int max_limit) {
  PageRequest p;
  if (auto it = query.find("limit"); it != query.end()) {
    const std::string& v = it->second;
    if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(v) < 1 || std::stoi(v) > max_limit)
      return fail(ErrorCode::invalid_argument,
                  "must be an integer between 1 and " + std::to_string(max_limit), "limit");
    p.limit = std::stoi(v);
  }
  if (auto it = query.find("cursor"); it != query.end()) {
    auto raw = base64url_decode(it->second);
    std::int64_t after = -1;
    if (raw && raw->starts_with("v1:") && raw->size() > 3 && raw->size() <= 21 &&
        raw->find_first_not_of("0123456789", 3) == std::string::npos)
      after = std::stoll(raw->substr(3));
    if (after < 0) return fail(ErrorCode::invalid_argument, "is not a valid cursor", "cursor");
    p.after_id = after;
  }
  return p;
}

Response page_response(std::string_view items_json, std::optional<std::int64_t> next_after) {
  std::string body = "{\"items\":";
  body += items_json;
  body += ",\"next_cursor\":";
  body += next_after ? "\"" + encode_cursor(*next_after) + "\"" : "null";
  body += "}";
  return json_response(200, std::move(body));
}

Result<std::int64_t> path_id(const Ctx& c, std::string_view name) {
  auto it = c.path.find(name);
  const std::string& v = it->second;
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
    return fail(ErrorCode::not_found, "no such resource", std::string(name));
  return std::stoll(v);
}

}  // namespace fondaco::api
