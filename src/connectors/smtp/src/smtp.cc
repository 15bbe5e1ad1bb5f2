#include "fondaco/smtp/smtp.h"

#include <curl/curl.h>

#include <array>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>

#include "fondaco/base/text.h"

namespace fondaco::smtp {
namespace {

// send() addresses exactly one RCPT TO; a wider limit would need a list in OutgoingMessage.
static_assert(limits::kMaxEmailRecipients == 1);

constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (std::uint32_t(std::uint8_t(in[i])) << 16) |
                   (std::uint32_t(std::uint8_t(in[i + 1])) << 8) | std::uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kB64[(n >> s) & 63]);
  }
  if (i < in.size()) {
    std::uint32_t n = std::uint32_t(std::uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) n |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
    out.push_back(kB64[(n >> 18) & 63]);
    out.push_back(kB64[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kB64[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

// A MIME part body: base64 in lines of 76 characters (RFC 2045), CRLF-terminated.
std::string base64_lines(std::string_view in) {
  const std::string b = base64(in);
  std::string out;
  for (std::size_t i = 0; i < b.size(); i += 76) out += b.substr(i, 76) + "\r\n";
  return out;
}

bool plain_ascii(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return s.find("=?") == s.npos;  // would read as the start of an encoded word
}

bool one_line(std::string_view s) { return s.find_first_of("\r\n") == s.npos; }

// "Mario Rossi <mario@example.com>", the name quoted or RFC 2047-encoded as needed.
std::string mailbox(std::string_view name, std::string_view address, std::size_t used) {
  if (name.empty()) return "<" + std::string(address) + ">";
  std::string phrase;
  if (plain_ascii(name)) {
    phrase = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') phrase.push_back('\\');
      phrase.push_back(c);
    }
    phrase += "\"";
  } else {
    phrase = encode_header_text(name, used);
  }
  // Fold before the address when it would push the line past 78 characters.
  const auto last_break = phrase.rfind("\r\n");
  const std::size_t on_line =
      last_break == std::string::npos ? used + phrase.size() : phrase.size() - last_break - 2;
  const bool fold = on_line + address.size() + 3 > 78;
  return phrase + (fold ? "\r\n <" : " <") + std::string(address) + ">";
}

// RFC 5322 date-time in UTC: "Tue, 24 Nov 2026 10:00:00 +0000".
std::string rfc5322_date(std::int64_t unix_ms) {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string domain_of(std::string_view address) {
  return std::string(address.substr(address.rfind('@') + 1));
}

std::string boundary_for(const notifications::OutgoingMessage& m) {
  // "=_" cannot occur in base64 bodies, so the boundary never collides with content.
  const std::size_t h = std::hash<std::string>{}(m.message_id_local + m.subject);
  return "=_fondaco_" + hex_encode(std::string_view(reinterpret_cast<const char*>(&h), sizeof h));
}

std::string part(const std::string& boundary, std::string_view type, std::string_view body) {
  return "--" + boundary + "\r\nContent-Type: " + std::string(type) +
         "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(body);
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view data;
  std::size_t pos = 0;
};

std::size_t read_cb(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t len = std::min(size * n, up->data.size() - up->pos);
  std::memcpy(buf, up->data.data() + up->pos, len);
  up->pos += len;
  return len;
}

}  // namespace

std::string encode_header_text(std::string_view utf8, std::size_t used) {
  if (plain_ascii(utf8)) return std::string(utf8);
  std::string out;
  std::size_t i = 0;
  std::size_t room = used < 64 ? 76 - used : 12;  // characters left on the current line
  while (i < utf8.size()) {
    // "=?UTF-8?B?" + base64 + "?=": 12 characters of frame; ≤ 75 per word (RFC 2047).
    const std::size_t b64_chars = std::min<std::size_t>(63, room > 12 ? room - 12 : 4);
    std::size_t take = std::max<std::size_t>(b64_chars / 4 * 3, 4);
    std::size_t end = std::min(utf8.size(), i + take);
    // Never split a UTF-8 sequence: back up over continuation bytes.
    while (end < utf8.size() && end > i + 1 && (std::uint8_t(utf8[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(utf8.substr(i, end - i)) + "?=";
    i = end;
    room = 75;
  }
  return out;
}

Result<void> validate(const SmtpConfig& c) {
  if (!(c.url.starts_with("smtp://") || c.url.starts_with("smtps://")) || c.url.size() > 2048 ||
      c.url.find_first_of(" \t\r\n") != c.url.npos)
    return fail(ErrorCode::invalid_argument, "must be an smtp:// or smtps:// URL", "url");
  if (!notifications::is_valid_email_address(c.from_address))
    return fail(ErrorCode::invalid_argument, "must be an e-mail address", "from_address");
  if (!is_valid_utf8(c.from_name) || has_control_chars(c.from_name) || !one_line(c.from_name) ||
      utf8_length(c.from_name) > limits::kMaxEmailNameChars)
    return fail(ErrorCode::invalid_argument, "must be one line of text", "from_name");
  if (!one_line(c.ca_file))
    return fail(ErrorCode::invalid_argument, "must be a file path", "ca_file");
  if (!one_line(c.username) || !one_line(c.password))
    return fail(ErrorCode::invalid_argument, "must not contain line breaks", "username");
  if (c.timeout_ms < 100 || c.timeout_ms > limits::kSmtpTimeoutMs)
    return fail(ErrorCode::invalid_argument, "must be 100..60000 ms", "timeout_ms");
  return ok();
}

Result<std::string> build_message(const SmtpConfig& c, const notifications::OutgoingMessage& m) {
  if (!notifications::is_valid_email_address(m.to))
    return fail(ErrorCode::invalid_argument, "must be an e-mail address", "to");
  if (!one_line(m.to_name) || !is_valid_utf8(m.to_name) || !one_line(m.subject) ||
      !is_valid_utf8(m.subject) || !one_line(m.message_id_local) ||
      m.message_id_local.find_first_of("<>@ ") != std::string::npos)
    return fail(ErrorCode::invalid_argument, "header text must be one line of UTF-8", "subject");
  if (m.text.size() + m.html.size() > limits::kMaxEmailBodyBytes)
    return fail(ErrorCode::payload_too_large, "message larger than 1 MB", "body");
  const std::string boundary = boundary_for(m);
  std::string msg;
  msg += "Date: " + rfc5322_date(m.date_ms) + "\r\n";
  msg += "From: " + mailbox(c.from_name, c.from_address, 6) + "\r\n";
  msg += "To: " + mailbox(m.to_name, m.to, 4) + "\r\n";
  msg += "Subject: " + encode_header_text(m.subject, 9) + "\r\n";
  msg += "Message-ID: <" + m.message_id_local + "@" + domain_of(c.from_address) + ">\r\n";
  msg += "MIME-Version: 1.0\r\n";
  msg += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  msg += part(boundary, "text/plain", m.text);
  msg += part(boundary, "text/html", m.html);
  msg += "--" + boundary + "--\r\n";
  return msg;
}

Result<SmtpTransport> SmtpTransport::create(SmtpConfig config) {
  FONDACO_TRY(validate(config));
  global_init();
  return SmtpTransport(std::move(config));
}

Result<void> SmtpTransport::send(const notifications::OutgoingMessage& m) {
  const std::string message = FONDACO_TRY(build_message(config_, m));
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), &curl_easy_cleanup);
  if (!h) return fail(ErrorCode::unavailable, "smtp: curl_easy_init failed");
  const std::string from = "<" + config_.from_address + ">";
  const std::string to = "<" + m.to + ">";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(
      curl_slist_append(nullptr, to.c_str()), &curl_slist_free_all);
  Upload up{message};
  char errbuf[CURL_ERROR_SIZE] = {};
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");  // never file://, http://...
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM (threads)
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  const long use_ssl = config_.tls == Tls::starttls        ? CURLUSESSL_ALL
                       : config_.tls == Tls::opportunistic ? CURLUSESSL_TRY
                                                           : CURLUSESSL_NONE;
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   config_.url.starts_with("smtps://") ? long{CURLUSESSL_ALL} : use_ssl);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, config_.verify_peer ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, config_.verify_peer ? 2L : 0L);
  if (!config_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());
  if (!config_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return ok();
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string why = "smtp: " + std::string(curl_easy_strerror(rc));
  if (errbuf[0] != '\0') why += " (" + std::string(errbuf) + ")";
  if (reply != 0) why += ", server reply " + std::to_string(reply);
  return fail(ErrorCode::unavailable, why);
}

}  // namespace fondaco::smtp
