// An HTTP client for calls to the outside world: channel APIs (Shopify, WooCommerce, a
// generic endpoint) and integrators' webhook endpoints. libcurl behind a small interface, so
// the callers (connectors, workers) stay testable with a fake and never see curl.
//
// A transport failure (DNS, connect, TLS, timeout) is an Error with code `unavailable`;
// any HTTP status, 5xx included, is a Response: deciding what is retryable is the caller's
// business. Redirects are not followed (an endpoint that moves must be reconfigured), and
// response bodies are capped at limits::kHttpClientMaxResponseBytes.
// Thread-safety: Client::send may be called concurrently from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fondaco/base/result.h"

namespace fondaco::http {

struct Request {
  std::string method = "POST";
  std::string url;  // http:// or https:// only
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::int64_t timeout_ms = 10'000;  // whole exchange, connect included
  // HTTP basic authentication (WooCommerce consumer key/secret over HTTPS); empty = none.
  std::string basic_user;
  std::string basic_password;
};

struct Response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::int64_t elapsed_ms = 0;
  // First header with this (lower-case) name, or empty.
  std::string_view header(std::string_view lower_name) const;
};

class Client {
 public:
  virtual ~Client() = default;
  virtual Result<Response> send(const Request& request) = 0;
};

// The real client (libcurl). One easy handle per thread is kept and reused, so keep-alive
// connections survive between calls on the same thread.
std::unique_ptr<Client> make_client();

}  // namespace fondaco::http
