// SmtpSink: a real SMTP server for tests. Starts testing/smtp_sink.py (Debian's
// python3-aiosmtpd, run with /usr/bin/python3) on a free 127.0.0.1 port, waits until it
// accepts connections, exposes every message it received as the raw RFC 5322 bytes with
// its envelope, and stops the server in its destructor.
//
// The script is found through $FONDACO_SMTP_SINK_SCRIPT, else the compile definition
// FONDACO_SMTP_SINK_SCRIPT (the build sets it to the source tree's testing/smtp_sink.py).
// Construction throws std::runtime_error when the server cannot start (a test setup bug,
// not an expected failure). Thread-safety: messages() may be called from any thread while
// the server runs; construct and destroy on one thread.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace fondaco::testing {

enum class SinkTls { none, starttls, implicit };

struct SmtpSinkOptions {
  std::vector<std::string> reject_recipients = {};  // RCPT TO answered "550 5.1.1"
  std::string auth_user = {};                       // non-empty: AUTH required with these
  std::string auth_password = {};
  // starttls: STARTTLS offered and required; implicit: TLS from the first byte (smtps://).
  // The server's self-signed certificate (for 127.0.0.1) is at cert_file().
  SinkTls tls = SinkTls::none;
};

struct ReceivedMail {
  std::string mail_from;                // envelope
  std::vector<std::string> rcpt_to;     // envelope
  std::string raw;                      // the message as received after DATA (CRLF lines)
};

class SmtpSink {
 public:
  explicit SmtpSink(SmtpSinkOptions options = {});
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  std::uint16_t port() const { return port_; }
  // smtp://127.0.0.1:PORT, or smtps:// with SinkTls::implicit.
  std::string url() const {
    return (implicit_tls_ ? "smtps://127.0.0.1:" : "smtp://127.0.0.1:") + std::to_string(port_);
  }
  // The PEM certificate a TLS client should trust (exists with SinkTls other than none).
  std::string cert_file() const { return dir_ + "/cert.pem"; }
  // Messages received so far, in arrival order.
  std::vector<ReceivedMail> messages() const;
  // Waits until at least n messages arrived or timeout_ms passed; returns messages().
  std::vector<ReceivedMail> wait_for(std::size_t n, int timeout_ms = 10'000) const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool implicit_tls_ = false;
};

}  // namespace fondaco::testing
