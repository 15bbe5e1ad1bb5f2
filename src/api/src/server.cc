// The HTTP/1.1 transport: the only translation unit that includes Boost.Beast/Asio. It
// accepts TCP connections, parses requests with the limits of base/limits.h, hands each
// complete request to the Handler and writes back its Response (keep-alive, pipelining,
// Expect: 100-continue, problem+json replies for transport-level errors).
//
// Threading model: one io_context run by N threads. The acceptor lives on its own strand;
// every connection (Session) lives on its own strand, so a session's state is only ever
// touched by one thread at a time and needs no lock. The handler runs synchronously on
// the session's I/O thread, so different connections call it concurrently. The only state
// shared across threads is the session registry (mutex + condition variable, used by
// stop() to find idle sessions and to wait for busy ones) and a few atomics
// (stopping flag, open-connection count, bound port). start()/stop() serialise on their
// own mutex and may be called from any thread except an I/O thread (i.e. not from a
// handler), since stop() joins the I/O threads.
// clang-format off
#include <utility>  // first: Boost 1.74 Asio needs it under g++ 12 in C++23 mode
// clang-format on

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "fondaco/api/http.h"
#include "fondaco/base/limits.h"
#include "fondaco/base/result.h"

namespace fondaco::api {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// ASCII case-insensitive equality (header names and tokens are ASCII).
char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// Beast 1.74 uses boost::string_view.
std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace

// Request / Response helpers ------------------------------------------------------------

std::string_view Request::header(std::string_view name) const {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return {};
}

void Response::set_header(std::string name, std::string value) {
  auto same = [&](const Header& h) { return iequals(h.name, name); };
  auto it = std::find_if(headers.begin(), headers.end(), same);
  if (it == headers.end()) {
    headers.push_back(Header{std::move(name), std::move(value)});
    return;
  }
  it->value = std::move(value);
  it->name = std::move(name);
  headers.erase(std::remove_if(std::next(it), headers.end(), same), headers.end());
}

namespace {

using namespace std::chrono_literals;

// How long a connection we are closing after an error reply may keep sending (we discard
// it) so that the client reads our reply instead of a TCP reset.
constexpr auto kLingerTime = 2s;
constexpr std::size_t kLingerMaxBytes = 4 * limits::kMaxRequestBodyBytes;
// After the grace period, how long stop() waits for force-closed sessions to unwind.
constexpr auto kForceCloseWait = 1s;
constexpr std::size_t kReadChunk = 8 * 1024;

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out;
}

Response problem(int status, std::string_view title, std::string_view code,
                 std::string_view detail) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "application/problem+json");
  r.body = R"({"type":"about:blank","title":")" + json_escape(title) + R"(","status":)" +
           std::to_string(status) + R"(,"code":")" + json_escape(code) + R"(","detail":")" +
           json_escape(detail) + "\"}";
  return r;
}

bool has_crlf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool is_syntax_error(const beast::error_code& ec) {
  if (ec.category() != make_error_code(http::error::bad_method).category()) return false;
  switch (static_cast<http::error>(ec.value())) {
    case http::error::bad_line_ending:
    case http::error::bad_method:
    case http::error::bad_target:
    case http::error::bad_version:
    case http::error::bad_status:
    case http::error::bad_reason:
    case http::error::bad_field:
    case http::error::bad_value:
    case http::error::bad_content_length:
    case http::error::bad_transfer_encoding:
    case http::error::bad_chunk:
    case http::error::bad_chunk_extension:
    case http::error::bad_obs_fold:
    case http::error::unexpected_body:
      return true;
    default:
      return false;
  }
}

// Converts a handler's Response into a Beast message. `keep_alive` may be turned off by a
// handler-supplied "Connection: close"; the server owns Content-Length, Transfer-Encoding,
// Connection and Server.
http::response<http::string_body> to_wire(Response r, unsigned version, bool keep_alive,
                                          bool head) {
  if (r.status < 100 || r.status > 599)
    r = problem(500, "Internal Server Error", "internal", "handler returned an invalid status");
  http::response<http::string_body> res;
  res.version(version);
  res.result(static_cast<unsigned>(r.status));
  for (Header& h : r.headers) {
    if (h.name.empty() || has_crlf(h.name) || has_crlf(h.value)) continue;
    if (iequals(h.name, "Connection")) {
      if (iequals(h.value, "close")) keep_alive = false;
      continue;
    }
    if (iequals(h.name, "Content-Length") || iequals(h.name, "Transfer-Encoding") ||
        iequals(h.name, "Server")) {
      continue;
    }
    res.insert(h.name, h.value);
  }
  res.set(http::field::server, "fondaco");
  const bool no_body = r.status < 200 || r.status == 204 || r.status == 304;
  if (!no_body) res.content_length(r.body.size());
  if (!no_body && !head) res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  return res;
}

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto addr = ep.address();
  std::string ip = addr.to_string();
  if (addr.is_v6()) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(ep.port());
}

class Session;

class ServerImpl final : public HttpServer {
 public:
  ServerImpl(ServerOptions options, Handler handler);
  ~ServerImpl() override { stop(); }

  Result<void> start() override;
  std::uint16_t port() const override { return port_.load(); }
  void stop() override;
  std::size_t open_connections() const override { return open_.load(); }

  // Used by sessions (any I/O thread).
  const Handler& handler() const { return handler_; }
  bool stopping() const { return stopping_.load(); }
  bool register_session(const std::shared_ptr<Session>& s, std::uint64_t& id);
  void unregister_session(std::uint64_t id);

 private:
  Result<void> listen();
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void reject_overloaded(tcp::socket& socket);
  void run_thread();
  std::vector<std::shared_ptr<Session>> live_sessions();
  bool wait_sessions(std::chrono::steady_clock::duration d);

  // Declared before ioc_: sessions destroyed when ioc_ is destroyed still touch these.
  ServerOptions options_;
  Handler handler_;
  int thread_count_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> open_{0};
  std::atomic<std::uint16_t> port_{0};
  std::mutex sessions_mu_;
  std::condition_variable sessions_cv_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
  std::uint64_t next_session_id_ = 1;

  std::mutex lifecycle_mu_;
  bool started_ = false;
  bool stopped_ = false;

  net::io_context ioc_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_;
  std::vector<std::thread> threads_;
};

// One TCP connection. All members are touched only on the session's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerImpl& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {
    beast::error_code ec;
    const auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint_text(ep);
  }
  ~Session() {
    if (id_ != 0) server_.unregister_session(id_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void set_id(std::uint64_t id) { id_ = id; }
  net::any_io_executor executor() { return stream_.get_executor(); }

  void start() {
    net::dispatch(executor(), beast::bind_front_handler(&Session::do_idle, shared_from_this()));
  }
  // stop() phase 1: close if waiting for a request; busy sessions finish their exchange.
  void on_shutdown() {
    if (state_ == State::idle || state_ == State::lingering) close();
  }
  // stop() phase 2, after the grace period.
  void force_close() { close(); }

 private:
  enum class State { idle, reading, busy, lingering, closed };
  enum class After { next_request, close, linger };

  void do_idle();
  void on_first_bytes(beast::error_code ec, std::size_t n);
  void do_read_header();
  void on_header(beast::error_code ec, std::size_t n);
  void on_continue_written(beast::error_code ec, std::size_t n);
  void do_read_body();
  void on_body(beast::error_code ec, std::size_t n);
  void on_read_error(beast::error_code ec);
  Response invoke(const Request& req);
  void send(Response r, unsigned version, bool keep_alive, bool head, After after);
  void on_write(beast::error_code ec, std::size_t n);
  void do_linger();
  void on_linger_read(beast::error_code ec, std::size_t n);
  void close();

  ServerImpl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::empty_body> continue_{http::status::continue_, 11};
  http::response<http::string_body> res_;
  std::string remote_;
  std::uint64_t id_ = 0;
  State state_ = State::idle;
  After after_ = After::close;
  std::size_t lingered_ = 0;
};

// Session ------------------------------------------------------------------------------

// Waits for the first byte of the next request under the idle timeout. Bytes already
// buffered (a pipelined request) skip the wait.
void Session::do_idle() {
  state_ = State::idle;
  if (server_.stopping()) return close();
  if (buffer_.size() > 0) return do_read_header();
  stream_.expires_after(std::chrono::milliseconds(limits::kIdleTimeoutMs));
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
}

void Session::on_first_bytes(beast::error_code ec, std::size_t n) {
  if (ec || state_ == State::closed) return close();
  buffer_.commit(n);
  do_read_header();
}

void Session::do_read_header() {
  state_ = State::reading;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits::kMaxRequestHeaderBytes));
  parser_->body_limit(limits::kMaxRequestBodyBytes);
  // One deadline covers the whole request (header, 100 Continue, body).
  stream_.expires_after(std::chrono::milliseconds(limits::kRequestReadTimeoutMs));
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::on_header, shared_from_this()));
}

void Session::on_header(beast::error_code ec, std::size_t) {
  if (ec) return on_read_error(ec);
  if (parser_->is_done()) return on_body({}, 0);
  const auto& req = parser_->get();
  if (req.version() >= 11 && iequals(sv(req[http::field::expect]), "100-continue")) {
    // The declared length is within the limit, else the header read failed above.
    http::async_write(stream_, continue_,
                      beast::bind_front_handler(&Session::on_continue_written, shared_from_this()));
    return;
  }
  do_read_body();
}

void Session::on_continue_written(beast::error_code ec, std::size_t) {
  if (ec) return close();
  do_read_body();
}

void Session::do_read_body() {
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::on_body, shared_from_this()));
}

void Session::on_body(beast::error_code ec, std::size_t) {
  if (ec) return on_read_error(ec);
  state_ = State::busy;
  auto msg = parser_->release();
  parser_.reset();
  Request req;
  req.method = std::string(sv(msg.method_string()));
  req.target = std::string(sv(msg.target()));
  req.headers.reserve(static_cast<std::size_t>(std::distance(msg.begin(), msg.end())));
  for (const auto& f : msg) {
    req.headers.push_back(Header{std::string(sv(f.name_string())), std::string(sv(f.value()))});
  }
  req.body = std::move(msg.body());
  req.remote_address = remote_;
  Response res = invoke(req);
  send(std::move(res), msg.version(), msg.keep_alive(), msg.method() == http::verb::head,
       After::next_request);
}

// Transport errors: limits and syntax get a problem+json reply, then the connection is
// closed; timeouts, resets, end of stream and cancellation close it silently.
void Session::on_read_error(beast::error_code ec) {
  if (state_ == State::closed) return;
  state_ = State::busy;
  if (ec == http::error::body_limit) {
    return send(
        problem(413, "Payload Too Large", "payload_too_large",
                "request body exceeds " + std::to_string(limits::kMaxRequestBodyBytes) + " bytes"),
        11, false, false, After::linger);
  }
  if (ec == http::error::header_limit) {
    return send(problem(431, "Request Header Fields Too Large", "invalid_argument",
                        "request header exceeds " + std::to_string(limits::kMaxRequestHeaderBytes) +
                            " bytes"),
                11, false, false, After::linger);
  }
  if (is_syntax_error(ec)) {
    return send(
        problem(400, "Bad Request", "invalid_argument", "malformed HTTP request: " + ec.message()),
        11, false, false, After::linger);
  }
  close();
}

Response Session::invoke(const Request& req) {
  try {
    return server_.handler()(req);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fondaco: handler threw on %s %s: %s\n", req.method.c_str(),
                 req.target.c_str(), e.what());
  } catch (...) {
    std::fprintf(stderr, "fondaco: handler threw a non-standard exception on %s %s\n",
                 req.method.c_str(), req.target.c_str());
  }
  return problem(500, "Internal Server Error", "internal", "internal error");
}

void Session::send(Response r, unsigned version, bool keep_alive, bool head, After after) {
  const bool keep = keep_alive && after == After::next_request && !server_.stopping();
  res_ = to_wire(std::move(r), version, keep, head);
  after_ = after;
  if (after_ == After::next_request && !res_.keep_alive()) after_ = After::close;
  stream_.expires_after(std::chrono::milliseconds(limits::kRequestReadTimeoutMs));
  http::async_write(stream_, res_,
                    beast::bind_front_handler(&Session::on_write, shared_from_this()));
}

void Session::on_write(beast::error_code ec, std::size_t) {
  res_ = {};
  if (ec || state_ == State::closed) return close();
  switch (after_) {
    case After::next_request:
      return do_idle();
    case After::close:
      return close();
    case After::linger:
      return do_linger();
  }
}

// After an error reply: stop sending, then discard what the client still sends for a
// short while, so its unread request bytes do not turn our close into a reset.
void Session::do_linger() {
  state_ = State::lingering;
  if (server_.stopping()) return close();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  buffer_.clear();
  stream_.expires_after(kLingerTime);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::on_linger_read, shared_from_this()));
}

void Session::on_linger_read(beast::error_code ec, std::size_t n) {
  lingered_ += n;
  if (ec || state_ == State::closed || lingered_ > kLingerMaxBytes) return close();
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::on_linger_read, shared_from_this()));
}

void Session::close() {
  if (state_ == State::closed) return;
  state_ = State::closed;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();  // cancels pending operations and the timer
}

// ServerImpl ---------------------------------------------------------------------------

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

ServerImpl::ServerImpl(ServerOptions options, Handler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      thread_count_(resolve_threads(options_.threads)),
      ioc_(thread_count_),
      acceptor_(net::make_strand(ioc_)),
      accept_retry_(acceptor_.get_executor()) {}

Result<void> ServerImpl::start() {
  std::lock_guard lock(lifecycle_mu_);
  if (started_ || stopped_) {
    return fail(ErrorCode::unavailable, "server already started or stopped");
  }
  FONDACO_TRY(listen());
  started_ = true;
  work_.emplace(net::make_work_guard(ioc_));
  do_accept();
  threads_.reserve(static_cast<std::size_t>(thread_count_));
  for (int i = 0; i < thread_count_; ++i) threads_.emplace_back([this] { run_thread(); });
  return ok();
}

Result<void> ServerImpl::listen() {
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  auto failed = [&](const beast::error_code& ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return fail(ErrorCode::unavailable, "cannot listen on " + where + ": " + ec.message());
  };
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  const auto results =
      resolver.resolve(options_.host, std::to_string(options_.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) return failed(ec);
  if (results.empty()) return failed(net::error::host_not_found);
  const tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return failed(ec);
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return failed(ec);
  acceptor_.bind(endpoint, ec);
  if (ec) return failed(ec);
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return failed(ec);
  const auto local = acceptor_.local_endpoint(ec);
  if (ec) return failed(ec);
  port_.store(local.port());
  return ok();
}

void ServerImpl::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&ServerImpl::on_accept, this));
}

void ServerImpl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopping() || !acceptor_.is_open()) return;
  if (ec) {
    if (ec == net::error::connection_aborted) return do_accept();
    // Usually out of file descriptors: back off instead of spinning.
    accept_retry_.expires_after(50ms);
    accept_retry_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && !stopping() && acceptor_.is_open()) do_accept();
    });
    return;
  }
  if (open_.load() >= limits::kMaxConnections) {
    reject_overloaded(socket);
  } else {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<Session>(*this, std::move(socket));
    std::uint64_t id = 0;
    if (register_session(session, id)) {
      session->set_id(id);
      session->start();
    }
  }
  do_accept();
}

// Best effort: a non-blocking write of a small 503 into the fresh socket's send buffer.
void ServerImpl::reject_overloaded(tcp::socket& socket) {
  static const std::string reply = [] {
    std::ostringstream os;
    os << to_wire(problem(503, "Service Unavailable", "unavailable", "too many open connections"),
                  11, false, false);
    return os.str();
  }();
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(reply), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

bool ServerImpl::register_session(const std::shared_ptr<Session>& s, std::uint64_t& id) {
  std::lock_guard lock(sessions_mu_);
  if (stopping_.load()) return false;
  id = next_session_id_++;
  sessions_.emplace(id, s);
  open_.fetch_add(1);
  return true;
}

void ServerImpl::unregister_session(std::uint64_t id) {
  std::lock_guard lock(sessions_mu_);
  if (sessions_.erase(id) > 0) open_.fetch_sub(1);
  sessions_cv_.notify_all();
}

void ServerImpl::run_thread() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fondaco: exception in I/O thread: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "fondaco: unknown exception in I/O thread\n");
    }
  }
}

std::vector<std::shared_ptr<Session>> ServerImpl::live_sessions() {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard lock(sessions_mu_);
  out.reserve(sessions_.size());
  for (auto& [id, weak] : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

bool ServerImpl::wait_sessions(std::chrono::steady_clock::duration d) {
  std::unique_lock lock(sessions_mu_);
  return sessions_cv_.wait_for(lock, d, [this] { return sessions_.empty(); });
}

void ServerImpl::stop() {
  std::lock_guard lock(lifecycle_mu_);
  if (stopped_) return;
  stopped_ = true;
  if (!started_) return;
  {
    std::lock_guard sessions_lock(sessions_mu_);  // orders with register_session
    stopping_.store(true);
  }
  net::dispatch(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
  });
  for (auto& s : live_sessions()) {
    net::dispatch(s->executor(), [s] { s->on_shutdown(); });
  }
  if (!wait_sessions(std::chrono::milliseconds(limits::kShutdownGraceMs))) {
    for (auto& s : live_sessions()) {
      net::dispatch(s->executor(), [s] { s->force_close(); });
    }
    wait_sessions(kForceCloseWait);
  }
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

}  // namespace

std::unique_ptr<HttpServer> make_http_server(ServerOptions options, Handler handler) {
  return std::make_unique<ServerImpl>(std::move(options), std::move(handler));
}

}  // namespace fondaco::api
