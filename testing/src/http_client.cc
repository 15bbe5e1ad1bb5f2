#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "fondaco/testing/testing.h"

namespace fondaco::testing {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

int connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}
}  // namespace

std::string HttpResult::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

HttpClient::~HttpClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool HttpClient::connect_() {
  if (fd_ >= 0) return true;
  fd_ = connect_to(port_);
  return fd_ >= 0;
}

HttpResult HttpClient::request(const std::string& method, const std::string& target,
                               const std::string& body,
                               std::vector<std::pair<std::string, std::string>> headers) {
  HttpResult out;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!connect_()) return out;
    std::string req = method + " " + target + " HTTP/1.1\r\n";
    bool has_ct = false;
    bool has_host = false;  // a test may send another Host (a forged one, say)
    for (const auto& [k, v] : headers) {
      req += k + ": " + v + "\r\n";
      has_ct = has_ct || iequals(k, "Content-Type");
      has_host = has_host || iequals(k, "Host");
    }
    if (!has_host) req += "Host: 127.0.0.1\r\n";
    if (!body.empty() && !has_ct) req += "Content-Type: application/json\r\n";
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    std::string buf;
    char chunk[65536];
    std::size_t header_end = std::string::npos;
    if (!send_all(fd_, req)) goto retry;
    while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
      const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) goto retry;
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    {
      std::size_t content_length = 0;
      std::size_t pos = buf.find("\r\n");
      out.status = std::atoi(buf.substr(9, 3).c_str());
      while (pos < header_end) {
        const std::size_t next = buf.find("\r\n", pos + 2);
        const std::string line = buf.substr(pos + 2, next - pos - 2);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
          std::string v = line.substr(colon + 1);
          while (!v.empty() && v.front() == ' ') v.erase(0, 1);
          out.headers.emplace_back(line.substr(0, colon), v);
          if (iequals(line.substr(0, colon), "Content-Length")) content_length = std::stoul(v);
        }
        pos = next;
      }
      while (buf.size() < header_end + 4 + content_length) {
        const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) goto retry;
        buf.append(chunk, static_cast<std::size_t>(n));
      }
      out.body = buf.substr(header_end + 4, content_length);
      if (iequals(out.header("Connection"), "close")) {
        ::close(fd_);
        fd_ = -1;
      }
      return out;
    }
  retry:
    // The server may have closed an idle keep-alive connection: reconnect once.
    ::close(fd_);
    fd_ = -1;
    out = HttpResult{};
  }
  return out;
}

std::string HttpClient::raw(const std::string& bytes) {
  int fd = connect_to(port_);
  if (fd < 0) return {};
  send_all(fd, bytes);
  std::string out;
  char chunk[4096];
  while (true) {
    const auto n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    out.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace fondaco::testing
