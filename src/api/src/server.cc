// The HTTP/1.1 transport: the only translation unit that includes Boost.Beast/Asio. It
// accepts TCP connections, parses requests with the limits of base/limits.h, hands each
// complete request to the Handler and writes back its Response (keep-alive, pipelining,
// Expect: 100-continue, problem+json replies for transport-level errors).
//
// Threading model: one io_context run by N threads. Only the acceptor (and its retry
// timer) has a strand. A connection (Session) has no strand and no timer: it keeps at most
// one asynchronous operation pending (a read or a write), so its handlers run strictly
// one after the other, each started by the previous one, possibly on different threads,
// and its state needs no lock. Any free thread serves any ready connection, so a slow
// handler holds up only its own connection. The handler runs synchronously on the I/O
// thread that completed the request, so different connections call it concurrently.
//
// Other threads reach a session only through a few atomics and Session::abort(), which
// shuts the socket down (under a small per-session mutex that orders it with the
// session's own close, so the descriptor cannot have been reused): the pending operation
// then fails and the session closes itself on its own thread. Timeouts work that way: a
// session publishes a deadline (an atomic store; moving it costs no timer operation) and
// one sweeper timer aborts sessions past theirs every kSweepInterval. The deadlines are
//   idle      kIdleTimeoutMs from the end of a response to the next request's first byte;
//   reading   kRequestReadTimeoutMs from that first byte for the whole request (header,
//             100 Continue, body);
//   writing   kRequestReadTimeoutMs for writing a response (none while the handler runs);
//   lingering kLingerTime after an error reply (see do_linger).
// stop() works that way too: a session is idle when it has no buffered byte and no parser
// progress; stop() claims idle sessions (compare-and-swap of the phase, which the session
// uses to start a request) and aborts them, lets the others finish their exchange (the
// session sees the stopping flag before waiting for another request), and after the
// grace period aborts what is left. Shared across threads besides: the session registry
// (mutex + condition variable; touched once per connection, by the sweeper and by stop())
// and a few atomics (stopping flag, open-connection count, bound port). start()/stop()
// serialise on their own mutex and may be called from any thread except an I/O thread
// (i.e. not from a handler), since stop() joins the I/O threads.
//
// Per request the transport does as little as it can: the session reads with plain
// async_read_some into one reused buffer and feeds Beast's basic_parser itself (a parser
// that fills a reused Request directly, so no intermediate Beast message); the response
// header is serialised into a reused string and written together with the body by one
// non-blocking write attempt, falling back to async_write only when the socket buffer is
// full (a write that completes in place goes straight on to the next, pipelined, request).
// clang-format off
#include <utility>  // first: Boost 1.74 Asio needs it under g++ 12 in C++23 mode
// clang-format on

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
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
using Clock = std::chrono::steady_clock;
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Acceptor = net::basic_socket_acceptor<tcp, net::strand<Executor>>;
using Timer = net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor>;
using StrandTimer =
    net::basic_waitable_timer<Clock, net::wait_traits<Clock>, net::strand<Executor>>;

constexpr auto kIdleTimeout = std::chrono::milliseconds(limits::kIdleTimeoutMs);
constexpr auto kRequestTimeout = std::chrono::milliseconds(limits::kRequestReadTimeoutMs);
// How long a connection we are closing after an error reply may keep sending (we discard
// it) so that the client reads our reply instead of a TCP reset.
constexpr auto kLingerTime = 2s;
constexpr std::size_t kLingerMaxBytes = 4 * limits::kMaxRequestBodyBytes;
// After the grace period, how long stop() waits for force-closed sessions to unwind.
constexpr auto kForceCloseWait = 1s;
constexpr std::size_t kReadChunk = 8 * 1024;
constexpr std::size_t kMaxReadSize = 64 * 1024;
// How often the sweeper checks the sessions' deadlines (their resolution).
constexpr auto kSweepInterval = 250ms;
// Request bodies larger than this do not keep their buffer for the next request.
constexpr std::size_t kKeepBodyCapacity = 64 * 1024;
// A handler's response field whose name or value is longer than this turns the response
// into a 500 (Beast's limit: a Beast message refused such fields with an exception).
constexpr std::size_t kMaxFieldPart = 65535 - 2;

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

// Two memchr scans (find_first_of looks each character up in the set: one call per byte,
// which showed in profiles as ~20 % of serving a cached shop page).
bool has_crlf(std::string_view s) {
  return s.find('\r') != std::string_view::npos || s.find('\n') != std::string_view::npos;
}

// Optional whitespace around field values is not part of the value (RFC 7230 3.2).
std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

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

// Response serialisation ----------------------------------------------------------------
//
// The server owns Content-Length, Transfer-Encoding, Connection and Server; header fields
// with an empty name or a CR/LF are dropped; values lose surrounding whitespace; fields of
// the same name (case-insensitive) are sent together, in order, where the first of them
// was. A handler-supplied "Connection: close" turns keep-alive off.

// Whether a handler's field goes onto the wire as it is.
bool passes_through(const Header& h) {
  if (h.name.empty() || has_crlf(h.name) || has_crlf(h.value)) return false;
  return !iequals(h.name, "Connection") && !iequals(h.name, "Content-Length") &&
         !iequals(h.name, "Transfer-Encoding") && !iequals(h.name, "Server");
}

bool valid_response(const Response& r) {
  if (r.status < 100 || r.status > 599) return false;
  for (const Header& h : r.headers) {
    if (passes_through(h) && (h.name.size() > kMaxFieldPart || h.value.size() > kMaxFieldPart))
      return false;
  }
  return true;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

template <class Int>
void append_number(std::string& out, Int n) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, res.ptr);
}

// Writes the status line and header of `r` into `head` (replacing its contents) and moves
// the body, if it is to be sent, into `body`. Returns whether the connection stays open.
bool serialize(Response r, unsigned version, bool keep_alive, bool head_request, std::string& head,
               std::string& body) {
  if (!valid_response(r)) {
    const bool bad_status = r.status < 100 || r.status > 599;
    r = problem(
        500, "Internal Server Error", "internal",
        bad_status ? "handler returned an invalid status" : "handler returned an oversized header");
  }
  head.clear();
  head.append("HTTP/");
  head.push_back(static_cast<char>('0' + version / 10 % 10));
  head.push_back('.');
  head.push_back(static_cast<char>('0' + version % 10));
  head.push_back(' ');
  append_number(head, r.status);
  head.push_back(' ');
  head.append(sv(http::obsolete_reason(static_cast<http::status>(r.status))));
  head.append("\r\n");
  const auto& fields = r.headers;
  // Each field is judged once: the grouping below compares the fields pairwise.
  std::vector<char> pass(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) pass[i] = passes_through(fields[i]);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Header& h = fields[i];
    if (iequals(h.name, "Connection") && !has_crlf(h.value) && !has_crlf(h.name)) {
      if (iequals(h.value, "close")) keep_alive = false;
      continue;
    }
    if (!pass[i]) continue;
    bool grouped_earlier = false;
    for (std::size_t j = 0; j < i && !grouped_earlier; ++j)
      grouped_earlier = pass[j] && iequals(fields[j].name, h.name);
    if (grouped_earlier) continue;
    append_field(head, h.name, trim_ows(h.value));
    for (std::size_t k = i + 1; k < fields.size(); ++k) {
      if (pass[k] && iequals(fields[k].name, h.name))
        append_field(head, fields[k].name, trim_ows(fields[k].value));
    }
  }
  head.append("Server: fondaco\r\n");
  const bool no_body = r.status < 200 || r.status == 204 || r.status == 304;
  if (!no_body) {
    head.append("Content-Length: ");
    append_number(head, r.body.size());
    head.append("\r\n");
  }
  if (version < 11 && keep_alive) head.append("Connection: keep-alive\r\n");
  if (version >= 11 && !keep_alive) head.append("Connection: close\r\n");
  head.append("\r\n");
  if (!no_body && !head_request) {
    body = std::move(r.body);
  } else {
    body.clear();
  }
  return keep_alive;
}

std::string serialized(Response r) {
  std::string head, body;
  serialize(std::move(r), 11, false, false, head, body);
  return head + body;
}

std::string endpoint_text(const tcp::endpoint& ep) {
  const auto addr = ep.address();
  std::string ip = addr.to_string();
  if (addr.is_v6()) ip = "[" + ip + "]";
  return ip + ":" + std::to_string(ep.port());
}

// Request parsing -----------------------------------------------------------------------

// Beast's HTTP/1 parser, producing straight into a Request that the session reuses from
// one request to the next (its strings and header vector keep their capacity). Header
// fields of the same name are kept together, in order, where the first of them was (as a
// Beast message did); values lose surrounding whitespace.
class RequestParser final : public http::basic_parser<true> {
 public:
  explicit RequestParser(Request& req) : req_(req) {
    req_.method.clear();
    req_.target.clear();
    req_.body.clear();
    header_limit(static_cast<std::uint32_t>(limits::kMaxRequestHeaderBytes));
    body_limit(limits::kMaxRequestBodyBytes);
    eager(false);  // stop after the header: the session decides on 100 Continue there
  }

  unsigned version() const { return version_; }
  bool head_request() const { return verb_ == http::verb::head; }
  // Keep-alive as the first Connection field and the version say (after the header).
  bool keeps_alive() const { return keep_alive_; }
  // An HTTP/1.1 request whose first Expect field is "100-continue" (after the header).
  bool expects_continue() const { return expect_continue_; }

 private:
  void on_request_impl(http::verb method, beast::string_view method_str, beast::string_view target,
                       int version, beast::error_code&) override {
    verb_ = method;
    req_.method.assign(method_str.data(), method_str.size());
    req_.target.assign(target.data(), target.size());
    version_ = static_cast<unsigned>(version);
  }

  void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}

  void on_field_impl(http::field, beast::string_view name, beast::string_view value,
                     beast::error_code&) override {
    auto& hs = req_.headers;
    const std::string_view n = sv(name);
    const std::string_view v = trim_ows(sv(value));
    // Position: right after the last field with this name, else at the end.
    std::size_t pos = count_;
    for (std::size_t i = count_; i > 0; --i) {
      if (iequals(hs[i - 1].name, n)) {
        pos = i;
        break;
      }
    }
    if (count_ < hs.size()) {
      hs[count_].name.assign(n);
      hs[count_].value.assign(v);
    } else {
      hs.push_back(Header{std::string(n), std::string(v)});
    }
    ++count_;
    if (pos != count_ - 1) {
      const auto first = hs.begin() + static_cast<std::ptrdiff_t>(pos);
      const auto last = hs.begin() + static_cast<std::ptrdiff_t>(count_);
      std::rotate(first, last - 1, last);
    }
  }

  void on_header_impl(beast::error_code&) override {
    auto& hs = req_.headers;
    hs.erase(hs.begin() + static_cast<std::ptrdiff_t>(count_), hs.end());
    const Header* connection = nullptr;
    const Header* expect = nullptr;
    for (const Header& h : hs) {
      if (!connection && iequals(h.name, "Connection")) connection = &h;
      if (!expect && iequals(h.name, "Expect")) expect = &h;
    }
    if (!connection) {
      keep_alive_ = version_ >= 11;
    } else {
      http::token_list tokens{beast::string_view(connection->value)};
      keep_alive_ = version_ < 11 ? tokens.exists("keep-alive") : !tokens.exists("close");
    }
    expect_continue_ = version_ >= 11 && expect && iequals(expect->value, "100-continue");
  }

  void on_body_init_impl(const boost::optional<std::uint64_t>& length,
                         beast::error_code&) override {
    if (length) req_.body.reserve(static_cast<std::size_t>(*length));
  }

  std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }

  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}

  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                 beast::error_code&) override {
    req_.body.append(body.data(), body.size());
    return body.size();
  }

  void on_finish_impl(beast::error_code&) override {}

  Request& req_;
  std::size_t count_ = 0;
  unsigned version_ = 11;
  http::verb verb_ = http::verb::unknown;
  bool keep_alive_ = false;
  bool expect_continue_ = false;
};

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
  void on_accept(beast::error_code ec, Socket socket);
  void reject_overloaded(Socket& socket);
  void do_sweep();
  void run_thread();
  template <class F>
  void for_each_session(F f);
  bool wait_sessions(std::chrono::steady_clock::duration d);

  // Declared before ioc_: sessions destroyed when ioc_ is destroyed still touch these.
  ServerOptions options_;
  Handler handler_;
  int thread_count_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> open_{0};
  std::atomic<std::uint16_t> port_{0};
  // The registry: a registered session is alive (its destructor unregisters it under
  // this mutex before any member is destroyed), so the raw pointer may be used while the
  // mutex is held.
  std::mutex sessions_mu_;
  std::condition_variable sessions_cv_;
  std::unordered_map<std::uint64_t, Session*> sessions_;
  std::uint64_t next_session_id_ = 1;

  std::mutex lifecycle_mu_;
  bool started_ = false;
  bool stopped_ = false;

  net::io_context ioc_;
  std::optional<net::executor_work_guard<Executor>> work_;
  Acceptor acceptor_;         // on its own strand
  StrandTimer accept_retry_;  // same strand
  Timer sweep_;               // only one wait pending at a time: needs no strand
  std::vector<std::thread> threads_;
};

// One TCP connection. A session has at most one asynchronous operation pending at any
// time (a read or a write; it has no timer), so its handlers run one after the other,
// possibly on different I/O threads, and its state needs no lock. Other threads (the
// sweeper enforcing deadlines, stop()) only read the atomics below and abort(): they shut
// the socket down, which completes the pending operation with an error, and the session
// then closes itself on its own.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerImpl& server, Socket socket)
      : server_(server), socket_(std::move(socket)), fd_(socket_.native_handle()) {
    beast::error_code ec;
    const auto ep = socket_.remote_endpoint(ec);
    if (!ec) req_.remote_address = endpoint_text(ep);
    // Writes are first tried in place; the asynchronous operations still work as usual.
    socket_.non_blocking(true, ec);
    buffer_.reserve(kReadChunk);
  }
  ~Session() {
    if (id_ != 0) server_.unregister_session(id_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void set_id(std::uint64_t id) { id_ = id; }

  void start() { process(); }

  // Any thread (registry mutex held) -------------------------------------------------
  // stop() phase 1: close if waiting for a request (or lingering); busy sessions finish
  // their exchange.
  void shutdown_if_idle() {
    Phase p = phase_.load();
    if (p == Phase::lingering ||
        (p == Phase::idle && phase_.compare_exchange_strong(p, Phase::closing)))
      abort();
  }
  bool expired(Clock::rep now) const { return deadline_.load(std::memory_order_relaxed) <= now; }
  // Timeout, or stop() phase 2 after the grace period.
  void abort() {
    aborted_.store(true);
    std::lock_guard lock(fd_mu_);
    if (fd_open_) ::shutdown(fd_, SHUT_RDWR);
  }

 private:
  // idle: no byte of the next request yet; reading: a request is arriving (including the
  // 100 Continue write); busy: handling it and writing the response; closing: closed or
  // being closed.
  enum class Phase { idle, reading, busy, lingering, closing };
  enum class After { next_request, close, linger };

  void process();
  void begin_request();
  void read();
  void on_read(beast::error_code ec, std::size_t n);
  bool write_continue();
  void on_continue_written(beast::error_code ec, std::size_t n);
  bool respond();
  void on_read_error(beast::error_code ec);
  Response invoke(const Request& req);
  bool send(Response r, unsigned version, bool keep_alive, bool head, After after);
  bool write(std::array<net::const_buffer, 2> bufs, bool response);
  void on_write(beast::error_code ec, std::size_t n);
  bool after_write();
  void do_linger();
  void linger_read();
  void on_linger_read(beast::error_code ec, std::size_t n);
  void set_deadline(Clock::duration d) {
    deadline_.store((Clock::now() + d).time_since_epoch().count(), std::memory_order_relaxed);
  }
  void clear_deadline() { deadline_.store(kNever, std::memory_order_relaxed); }
  bool aborted() const { return aborted_.load(std::memory_order_relaxed); }
  void close();

  static constexpr Clock::rep kNever = std::numeric_limits<Clock::rep>::max();

  ServerImpl& server_;
  Socket socket_;
  const int fd_;
  beast::flat_buffer buffer_;
  Request req_;
  std::optional<RequestParser> parser_;
  std::string head_;  // serialised status line and header of the response being written
  std::string body_;  // its body
  std::uint64_t id_ = 0;
  After after_ = After::close;
  std::size_t lingered_ = 0;
  bool closed_ = false;
  // Shared with other threads.
  std::atomic<Phase> phase_{Phase::idle};
  std::atomic<Clock::rep> deadline_{kNever};
  std::atomic<bool> aborted_{false};
  std::mutex fd_mu_;     // orders abort()'s shutdown with close(), so fd_ is never reused
  bool fd_open_ = true;  // guarded by fd_mu_
};

// Session ------------------------------------------------------------------------------

// Drives the connection until it has to wait for the network: parses what is buffered,
// answers complete requests (writes that complete in place loop straight on to the next,
// pipelined, request) and otherwise starts the one asynchronous operation it waits for.
void Session::process() {
  for (;;) {
    const Phase phase = phase_.load(std::memory_order_relaxed);
    if (phase == Phase::closing) return close();  // stop() found it idle
    if (phase == Phase::idle) {
      if (server_.stopping() || aborted()) return close();
      if (buffer_.size() == 0) {
        set_deadline(kIdleTimeout);
        return read();
      }
      begin_request();
      if (closed_) return;
    }
    bool need_more = buffer_.size() == 0;
    if (!need_more) {
      beast::error_code ec;
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) {
        need_more = true;
      } else if (ec) {
        return on_read_error(ec);
      }
    }
    if (parser_->is_done()) {
      if (!respond()) return;
      continue;
    }
    if (parser_->is_header_done() && !parser_->eager()) {
      // The header is complete and a body follows: from now on parse eagerly.
      parser_->eager(true);
      // The declared length is within the limit, else the header would have failed.
      if (parser_->expects_continue() && !write_continue()) return;
    }
    if (need_more || buffer_.size() == 0) return read();
  }
}

// The first byte of a request is here: one deadline now covers the whole request. Unless
// stop() has just claimed the session as idle.
void Session::begin_request() {
  Phase expected = Phase::idle;
  if (!phase_.compare_exchange_strong(expected, Phase::reading)) return close();
  parser_.emplace(req_);
  set_deadline(kRequestTimeout);
}

void Session::read() {
  const std::size_t size =
      std::clamp(buffer_.capacity() - buffer_.size(), kReadChunk, kMaxReadSize);
  socket_.async_read_some(
      buffer_.prepare(size),
      [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

// Timeouts, resets, end of stream and cancellation close the connection silently.
void Session::on_read(beast::error_code ec, std::size_t n) {
  if (ec || aborted()) return close();
  buffer_.commit(n);
  if (phase_.load(std::memory_order_relaxed) == Phase::idle) {
    begin_request();
    if (closed_) return;
  }
  process();
}

bool Session::write_continue() {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  return write({net::buffer(kContinue.data(), kContinue.size()), net::const_buffer()}, false);
}

void Session::on_continue_written(beast::error_code ec, std::size_t) {
  if (ec || aborted()) return close();
  process();
}

bool Session::respond() {
  phase_.store(Phase::busy);
  clear_deadline();  // the handler's own time is not limited here
  const unsigned version = parser_->version();
  const bool keep_alive = parser_->keeps_alive();
  const bool head = parser_->head_request();
  parser_.reset();
  Response res = invoke(req_);
  if (req_.body.capacity() > kKeepBodyCapacity) std::string().swap(req_.body);
  return send(std::move(res), version, keep_alive, head, After::next_request);
}

// Transport errors: limits and syntax get a problem+json reply, then the connection is
// closed (after lingering).
void Session::on_read_error(beast::error_code ec) {
  phase_.store(Phase::busy);
  if (ec == http::error::body_limit) {
    send(problem(413, "Payload Too Large", "payload_too_large",
                 "request body exceeds " + std::to_string(limits::kMaxRequestBodyBytes) + " bytes"),
         11, false, false, After::linger);
    return;
  }
  if (ec == http::error::header_limit) {
    send(problem(
             431, "Request Header Fields Too Large", "invalid_argument",
             "request header exceeds " + std::to_string(limits::kMaxRequestHeaderBytes) + " bytes"),
         11, false, false, After::linger);
    return;
  }
  if (is_syntax_error(ec)) {
    send(problem(400, "Bad Request", "invalid_argument", "malformed HTTP request: " + ec.message()),
         11, false, false, After::linger);
    return;
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

// Returns true when the response went out at once and the session should go on with the
// next request; false when it waits for the write, closed, or lingers.
bool Session::send(Response r, unsigned version, bool keep_alive, bool head, After after) {
  const bool keep = keep_alive && after == After::next_request && !server_.stopping();
  const bool kept = serialize(std::move(r), version, keep, head, head_, body_);
  after_ = after;
  if (after_ == After::next_request && !kept) after_ = After::close;
  set_deadline(kRequestTimeout);
  if (!write({net::buffer(head_), net::buffer(body_)}, true)) return false;
  return after_write();
}

// Writes what it can in place; the rest goes out asynchronously, completing in on_write
// (a response) or on_continue_written. Returns true when everything was written in place.
bool Session::write(std::array<net::const_buffer, 2> bufs, bool response) {
  beast::error_code ec;
  std::size_t n = socket_.write_some(bufs, ec);
  if (ec == net::error::would_block || ec == net::error::try_again) {
    ec = {};
    n = 0;
  }
  if (ec || aborted()) {
    close();
    return false;
  }
  for (auto& b : bufs) {
    const std::size_t k = std::min(n, b.size());
    b += k;
    n -= k;
  }
  if (bufs[0].size() + bufs[1].size() == 0) return true;
  auto self = shared_from_this();
  if (response) {
    net::async_write(socket_, bufs,
                     [self](beast::error_code e, std::size_t k) { self->on_write(e, k); });
  } else {
    net::async_write(socket_, bufs, [self](beast::error_code e, std::size_t k) {
      self->on_continue_written(e, k);
    });
  }
  return false;
}

void Session::on_write(beast::error_code ec, std::size_t) {
  if (ec || aborted()) return close();
  if (after_write()) process();
}

// Returns true when the session should go on with the next request.
bool Session::after_write() {
  head_.clear();
  if (body_.capacity() > kKeepBodyCapacity) {
    std::string().swap(body_);
  } else {
    body_.clear();
  }
  switch (after_) {
    case After::next_request:
      // Then process() checks stopping(): with stop() storing the flag before it looks
      // for idle sessions, one of the two sees the other.
      phase_.store(Phase::idle);
      return true;
    case After::close:
      close();
      return false;
    case After::linger:
      do_linger();
      return false;
  }
  return false;
}

// After an error reply: stop sending, then discard what the client still sends for a
// short while, so its unread request bytes do not turn our close into a reset.
void Session::do_linger() {
  phase_.store(Phase::lingering);
  if (server_.stopping() || aborted()) return close();
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  buffer_.clear();
  set_deadline(kLingerTime);
  linger_read();
}

void Session::linger_read() {
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->on_linger_read(ec, n);
                          });
}

void Session::on_linger_read(beast::error_code ec, std::size_t n) {
  lingered_ += n;
  if (ec || aborted() || lingered_ > kLingerMaxBytes) return close();
  linger_read();
}

void Session::close() {
  if (closed_) return;
  closed_ = true;
  phase_.store(Phase::closing);
  clear_deadline();
  std::lock_guard lock(fd_mu_);
  fd_open_ = false;
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);  // completes a pending operation, which releases the session
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
      acceptor_(net::make_strand(ioc_.get_executor())),
      accept_retry_(acceptor_.get_executor()),
      sweep_(ioc_.get_executor()) {}

Result<void> ServerImpl::start() {
  std::lock_guard lock(lifecycle_mu_);
  if (started_ || stopped_) {
    return fail(ErrorCode::unavailable, "server already started or stopped");
  }
  FONDACO_TRY(listen());
  started_ = true;
  work_.emplace(net::make_work_guard(ioc_));
  net::dispatch(acceptor_.get_executor(), [this] { do_accept(); });
  do_sweep();
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

// Accepted sockets use the plain io_context executor: sessions need no strand.
void ServerImpl::do_accept() {
  acceptor_.async_accept(ioc_.get_executor(), [this](beast::error_code ec, Socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void ServerImpl::on_accept(beast::error_code ec, Socket socket) {
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
      net::post(ioc_, [session] { session->start(); });
    }
  }
  do_accept();
}

// Best effort: a non-blocking write of a small 503 into the fresh socket's send buffer.
void ServerImpl::reject_overloaded(Socket& socket) {
  static const std::string reply =
      serialized(problem(503, "Service Unavailable", "unavailable", "too many open connections"));
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(reply), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// Enforces the sessions' deadlines, every kSweepInterval, until the io_context stops.
void ServerImpl::do_sweep() {
  const Clock::rep now = Clock::now().time_since_epoch().count();
  for_each_session([now](Session& s) {
    if (s.expired(now)) s.abort();
  });
  sweep_.expires_after(kSweepInterval);
  sweep_.async_wait([this](beast::error_code ec) {
    if (!ec) do_sweep();
  });
}

bool ServerImpl::register_session(const std::shared_ptr<Session>& s, std::uint64_t& id) {
  std::lock_guard lock(sessions_mu_);
  if (stopping_.load()) return false;
  id = next_session_id_++;
  sessions_.emplace(id, s.get());
  open_.fetch_add(1);
  return true;
}

void ServerImpl::unregister_session(std::uint64_t id) {
  std::lock_guard lock(sessions_mu_);
  if (sessions_.erase(id) > 0) open_.fetch_sub(1);
  sessions_cv_.notify_all();
}

template <class F>
void ServerImpl::for_each_session(F f) {
  std::lock_guard lock(sessions_mu_);
  for (auto& [id, s] : sessions_) f(*s);
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
  for_each_session([](Session& s) { s.shutdown_if_idle(); });
  if (!wait_sessions(std::chrono::milliseconds(limits::kShutdownGraceMs))) {
    for_each_session([](Session& s) { s.abort(); });
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
