// smtp: the SMTP client that delivers the notifications outbox (notifications::Transport),
// on libcurl's SMTP support.
//
// smtp:// (port 25/587, optionally upgraded with STARTTLS) and smtps:// (implicit TLS,
// port 465), certificate and host name verified against the system CAs or a given PEM
// bundle, optional AUTH (user/password; libcurl picks the mechanism the server offers),
// connect and whole-conversation timeouts (limits::kSmtpTimeoutMs at most, which keeps a
// send inside the outbox's lease). Each send is one connection: MAIL FROM, one
// RCPT TO (limits::kMaxEmailRecipients), DATA; libcurl does the dot-stuffing and the final
// "." line. The message is built here (build_message): Date, From and To with RFC 2047
// encoded display names when they are not plain ASCII, Subject RFC 2047-encoded (UTF-8,
// B) when not plain ASCII, Message-ID, MIME-Version, and a multipart/alternative body with
// text/plain and text/html parts in UTF-8, base64 (so no line is longer than 76
// characters, whatever the content), CRLF line endings throughout.
//
// Any refusal (4xx/5xx at any step, AUTH failure) or network failure is an error Result
// (ErrorCode::unavailable, the server's reply code in the message): the outbox retries.
// Thread-safety: SmtpTransport keeps only its configuration; send() may be called from
// several threads at once (each call uses its own curl handle).
#pragma once

#include <cstdint>
#include <string>

#include "fondaco/base/limits.h"
#include "fondaco/base/result.h"
#include "fondaco/notifications/notifications.h"

namespace fondaco::smtp {

enum class Tls {
  none,        // plain smtp:// (a local relay, tests)
  starttls,    // smtp:// upgraded with STARTTLS; refuse to send if the server cannot
  opportunistic,  // STARTTLS when offered, else plain (not recommended on the internet)
};

struct SmtpConfig {
  std::string url;           // "smtp://mail.example.com:587" or "smtps://mail.example.com"
  std::string from_address;  // envelope sender and From address
  std::string from_name;     // From display name ("Bottega Rossi"); may be empty
  std::string username;      // empty: no AUTH
  std::string password;
  int timeout_ms = limits::kSmtpTimeoutMs;
  Tls tls = Tls::none;  // smtp:// only; smtps:// is always TLS
  bool verify_peer = true;  // TLS certificate and host name checks
  std::string ca_file = {};  // PEM bundle to trust instead of the system's (a private relay)
};

// Checks the configuration (invalid_argument naming the field: "url", "from_address"...).
Result<void> validate(const SmtpConfig& config);

// The RFC 5322 message for `m`, CRLF line endings, ready for DATA.
// Fails (invalid_argument) on an address that cannot go in a header.
Result<std::string> build_message(const SmtpConfig& config,
                                  const notifications::OutgoingMessage& m);

// RFC 2047 encoding of a header text: as is when printable ASCII, else one or more
// "=?UTF-8?B?...?=" words of at most 75 characters, split between characters and
// separated by CRLF SP (folding). `used` is the length of the header name already on the
// line ("Subject: " = 9).
std::string encode_header_text(std::string_view utf8, std::size_t used);

class SmtpTransport final : public notifications::Transport {
 public:
  // The configuration must pass validate() (checked in create()).
  static Result<SmtpTransport> create(SmtpConfig config);

  Result<void> send(const notifications::OutgoingMessage& m) override;

 private:
  explicit SmtpTransport(SmtpConfig config) : config_(std::move(config)) {}
  SmtpConfig config_;
};

}  // namespace fondaco::smtp
