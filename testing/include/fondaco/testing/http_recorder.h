// A local HTTP server for tests that plays the outside party: a Shopify or WooCommerce
// shop, a channel's generic endpoint, an integrator's webhook receiver. It records every
// request it receives (method, target, headers, raw body) and answers through a responder
// the test sets (default: 200 with "{}"), so a test can script a documented behaviour —
// a 429 with Retry-After, a 5xx, a GraphQL body — and assert on what arrived.
// It is Fondaco's own HTTP server (api::make_http_server, Boost.Beast) on 127.0.0.1 and a
// port it picks: real HTTP, keep-alive included.
// Thread-safety: every member may be called from any thread while the server runs; the
// responder is called concurrently from the server's threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/api/http.h"

namespace fondaco::testing {

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query as received
  std::vector<api::Header> headers;
  std::string body;
  std::int64_t received_ms = 0;  // steady clock, for ordering and latency checks
  // First header with this name (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;
};

class HttpRecorder {
 public:
  using Responder = std::function<api::Response(const api::Request&)>;

  // Starts serving at once; aborts the test (ADD_FAILURE + empty url) if it cannot bind.
  HttpRecorder();
  ~HttpRecorder();
  HttpRecorder(const HttpRecorder&) = delete;
  HttpRecorder& operator=(const HttpRecorder&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http://127.0.0.1:PORT"

  void set_responder(Responder responder);
  std::vector<RecordedRequest> requests() const;
  std::size_t count() const;
  void clear();
  // Waits (bounded) until `done(requests())` holds; returns whether it did.
  bool wait_for(const std::function<bool(const std::vector<RecordedRequest>&)>& done,
                std::int64_t timeout_ms = 10'000) const;

 private:
  api::Response handle(const api::Request& req);

  mutable std::mutex mu_;
  Responder responder_;
  std::vector<RecordedRequest> requests_;
  std::unique_ptr<api::HttpServer> server_;
};

// A JSON response with this status and body.
api::Response json_reply(int status, std::string body);

}  // namespace fondaco::testing
