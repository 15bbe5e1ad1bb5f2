// Plain HTTP request/response values and the server that carries them. The server (the
// only translation unit that includes Boost.Beast) parses requests off the wire, enforces
// the transport limits in base/limits.h, and hands each complete request to a Handler;
// everything above it (router, auth, resources) sees only these structs, so it compiles
// fast and is testable without sockets.
//
// Thread-safety: the server calls the handler concurrently from its I/O threads; the
// handler must be thread-safe. start/stop may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fondaco/base/result.h"

namespace fondaco::api {

struct Header {
  std::string name;   // as received; compare case-insensitively
  std::string value;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path plus query, as received: "/api/v1/products?limit=5"
  std::vector<Header> headers;
  std::string body;
  std::string remote_address;

  // First header with this name (case-insensitive), or empty view.
  std::string_view header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;  // Content-Type etc.; Content-Length is set by the server
  std::string body;

  void set_header(std::string name, std::string value);
};

using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = pick a free port (see HttpServer::port())
  int threads = 0;            // 0 = number of cores
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Binds and starts serving on background threads. Fails when the address is taken.
  virtual Result<void> start() = 0;
  // The bound port (after start).
  virtual std::uint16_t port() const = 0;
  // Stops accepting, lets in-flight requests finish (up to limits::kShutdownGraceMs),
  // closes idle connections, joins the threads. Idempotent.
  virtual void stop() = 0;
  // Current open connections (for metrics).
  virtual std::size_t open_connections() const = 0;
};

std::unique_ptr<HttpServer> make_http_server(ServerOptions options, Handler handler);

}  // namespace fondaco::api
