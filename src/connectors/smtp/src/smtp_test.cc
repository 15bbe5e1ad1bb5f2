// The SMTP connector against a real SMTP server (testing/smtp_sink.py on aiosmtpd): the
// wire message is parsed back (headers unfolded and RFC 2047-decoded, MIME parts split and
// base64-decoded) and checked. Then the outbox end to end on both engines: a refused
// recipient is retried and finally failed while another message goes out.
#include "fondaco/smtp/smtp.h"

#include <gtest/gtest.h>

#include <map>

#include "fondaco/base/text.h"
#include "fondaco/testing/smtp_sink.h"
#include "fondaco/testing/testing.h"

namespace fondaco::smtp {
namespace {

using notifications::OutgoingMessage;

// ---- A small RFC 5322 / MIME reader for assertions. ----

std::string b64_decode(std::string_view in) {
  static const std::string kAlpha =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const auto p = kAlpha.find(c);
    if (p == std::string::npos) continue;  // CRLF, padding
    acc = (acc << 6) | static_cast<std::uint32_t>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

// Decodes =?UTF-8?B?...?= words (and drops the folding whitespace between two of them).
std::string decode_2047(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  bool prev_word = false;
  while (i < s.size()) {
    const auto start = s.find("=?", i);
    if (start == s.npos) {
      out += s.substr(i);
      break;
    }
    const std::string_view between = s.substr(i, start - i);
    if (!(prev_word && between.find_first_not_of(" \t\r\n") == between.npos)) out += between;
    const auto q1 = s.find('?', start + 2), q2 = s.find('?', q1 + 1), end = s.find("?=", q2 + 1);
    EXPECT_EQ(std::string(s.substr(start, q2 + 1 - start)), "=?UTF-8?B?");
    out += b64_decode(s.substr(q2 + 1, end - q2 - 1));
    i = end + 2;
    prev_word = true;
  }
  return out;
}

struct Parsed {
  std::map<std::string, std::string> headers;  // lower-case name → unfolded raw value
  std::string body;
};

Parsed parse(std::string_view raw) {
  Parsed p;
  const auto split = raw.find("\r\n\r\n");
  std::string head(raw.substr(0, split));
  p.body = std::string(raw.substr(split + 4));
  std::string unfolded;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (head.compare(i, 3, "\r\n ") == 0 || head.compare(i, 3, "\r\n\t") == 0) {
      i += 1;  // drop CRLF, keep the space
      continue;
    }
    unfolded.push_back(head[i]);
  }
  std::size_t pos = 0;
  while (pos < unfolded.size()) {
    auto eol = unfolded.find("\r\n", pos);
    if (eol == std::string::npos) eol = unfolded.size();
    const std::string line = unfolded.substr(pos, eol - pos);
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    p.headers[name] = line.substr(colon + 2);
    pos = eol + 2;
  }
  return p;
}

std::vector<Parsed> parts(const Parsed& msg) {
  const std::string& ct = msg.headers.at("content-type");
  const auto b = ct.find("boundary=\"");
  const std::string boundary = ct.substr(b + 10, ct.find('"', b + 10) - b - 10);
  std::vector<Parsed> out;
  std::size_t pos = msg.body.find("--" + boundary + "\r\n");
  while (pos != std::string::npos) {
    const std::size_t start = pos + boundary.size() + 4;
    const std::size_t next = msg.body.find("\r\n--" + boundary, start - 2);
    out.push_back(parse(msg.body.substr(start, next - start + 2)));
    if (msg.body.compare(next + 4 + boundary.size(), 2, "--") == 0) break;
    pos = next + 2;
  }
  return out;
}

OutgoingMessage message(std::string to = "cliente@example.com") {
  OutgoingMessage m;
  m.email_id = 7;
  m.message_id_local = "email.7.1790000000000";
  m.date_ms = 1'795'514'400'000;  // Tue, 24 Nov 2026 10:00:00 +0000
  m.to = std::move(to);
  m.to_name = "Niccolò Bianchi";
  m.subject = "Il tuo ordine è stato spedito";
  m.text = "Ciao Niccolò,\n\nil tuo ordine è partito.\n.\nUna riga con un punto.\n";
  m.html = "<p>Ciao Niccolò,</p>\n<p>il tuo ordine è partito.</p>\n";
  return m;
}

SmtpConfig config(const std::string& url) {
  return SmtpConfig{url, "negozio@bottega.example.com", "Bottega Rossi & Figli – Firenze", "", "",
                    5'000, Tls::none, true, ""};
}

TEST(SmtpMessageTest, HeadersAndPartsAreWellFormed) {
  auto raw = build_message(config("smtp://127.0.0.1:1"), message());
  ASSERT_TRUE(raw) << raw.error().message;
  // CRLF everywhere, no line above 998 (ours stay within 78).
  for (std::size_t i = 0; i < raw->size(); ++i) {
    if ((*raw)[i] == '\n') {
      ASSERT_TRUE(i > 0 && (*raw)[i - 1] == '\r') << "bare LF at " << i;
    }
  }
  std::size_t line_start = 0;
  for (std::size_t i = raw->find("\r\n"); i != std::string::npos; i = raw->find("\r\n", i + 2)) {
    EXPECT_LE(i - line_start, 78u) << raw->substr(line_start, i - line_start);
    line_start = i + 2;
  }
  const Parsed p = parse(*raw);
  EXPECT_EQ(p.headers.at("date"), "Tue, 24 Nov 2026 10:00:00 +0000");
  EXPECT_EQ(p.headers.at("message-id"), "<email.7.1790000000000@bottega.example.com>");
  EXPECT_EQ(p.headers.at("mime-version"), "1.0");
  EXPECT_TRUE(p.headers.at("subject").starts_with("=?UTF-8?B?"));
  EXPECT_EQ(decode_2047(p.headers.at("subject")), "Il tuo ordine è stato spedito");
  EXPECT_EQ(decode_2047(p.headers.at("from")),
            "Bottega Rossi & Figli – Firenze <negozio@bottega.example.com>");
  EXPECT_EQ(decode_2047(p.headers.at("to")), "Niccolò Bianchi <cliente@example.com>");
}

TEST(SmtpMessageTest, AsciiHeadersStayReadable) {
  OutgoingMessage m = message();
  m.subject = "Order WEB-1 confirmed";
  m.to_name = "Mario \"Super\" Rossi";
  SmtpConfig c = config("smtp://127.0.0.1:1");
  c.from_name = "";
  const Parsed p = parse(build_message(c, m).value());
  EXPECT_EQ(p.headers.at("subject"), "Order WEB-1 confirmed");
  EXPECT_EQ(p.headers.at("to"), "\"Mario \\\"Super\\\" Rossi\" <cliente@example.com>");
  EXPECT_EQ(p.headers.at("from"), "<negozio@bottega.example.com>");
}

TEST(SmtpMessageTest, LongUtf8SubjectIsSplitBetweenCharacters) {
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "àè€";  // 2-, 2- and 3-byte characters
  const std::string enc = encode_header_text(subject, 9);
  std::size_t start = 0;
  int words = 0;
  while (start < enc.size()) {
    auto end = enc.find("\r\n ", start);
    if (end == std::string::npos) end = enc.size();
    const std::string word = enc.substr(start, end - start);
    EXPECT_LE(word.size(), 75u);
    const std::string bytes = b64_decode(word.substr(10, word.size() - 12));
    EXPECT_TRUE(is_valid_utf8(bytes)) << "word " << words << " splits a character";
    ++words;
    start = end + 3;
  }
  EXPECT_GT(words, 3);
  EXPECT_EQ(decode_2047(enc), subject);
}

TEST(SmtpMessageTest, RejectsHeaderInjectionAndBadConfig) {
  OutgoingMessage m = message("x@example.com>\r\nBcc: <y@example.com");
  EXPECT_EQ(build_message(config("smtp://h"), m).error().field, "to");
  m = message();
  m.subject = "Hi\r\nBcc: y@example.com";
  EXPECT_FALSE(build_message(config("smtp://h"), m));
  EXPECT_EQ(validate(config("http://example.com")).error().field, "url");
  SmtpConfig c = config("smtp://h");
  c.from_address = "nope";
  EXPECT_EQ(validate(c).error().field, "from_address");
  EXPECT_FALSE(SmtpTransport::create(c));
}

TEST(SmtpSinkTest, RealServerReceivesAMultipartUtf8Message) {
  testing::SmtpSink sink;
  auto t = SmtpTransport::create(config(sink.url()));
  ASSERT_TRUE(t) << t.error().message;
  auto sent = t->send(message());
  ASSERT_TRUE(sent) << sent.error().message;
  const auto got = sink.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].mail_from, "negozio@bottega.example.com");
  EXPECT_EQ(got[0].rcpt_to, std::vector<std::string>{"cliente@example.com"});
  const Parsed p = parse(got[0].raw);
  EXPECT_EQ(decode_2047(p.headers.at("subject")), "Il tuo ordine è stato spedito");
  EXPECT_EQ(decode_2047(p.headers.at("from")),
            "Bottega Rossi & Figli – Firenze <negozio@bottega.example.com>");
  EXPECT_EQ(decode_2047(p.headers.at("to")), "Niccolò Bianchi <cliente@example.com>");
  EXPECT_TRUE(p.headers.at("content-type").starts_with("multipart/alternative; boundary="));
  const auto ps = parts(p);
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0].headers.at("content-type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(ps[1].headers.at("content-type"), "text/html; charset=UTF-8");
  EXPECT_EQ(b64_decode(ps[0].body), message().text);
  EXPECT_EQ(b64_decode(ps[1].body), message().html);
}

TEST(SmtpSinkTest, RefusedRecipientIsAnError) {
  testing::SmtpSink sink({.reject_recipients = {"bounce@example.com"}});
  auto t = SmtpTransport::create(config(sink.url())).value();
  auto r = t.send(message("bounce@example.com"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
  EXPECT_NE(r.error().message.find("550"), std::string::npos) << r.error().message;
  EXPECT_TRUE(sink.messages().empty());
  EXPECT_TRUE(t.send(message("ok@example.com")));
}

TEST(SmtpSinkTest, AuthenticatesWithUserAndPassword) {
  testing::SmtpSink sink({.auth_user = "shop", .auth_password = "s3cret"});
  SmtpConfig c = config(sink.url());
  c.username = "shop";
  c.password = "wrong";
  auto bad = SmtpTransport::create(c).value().send(message());
  ASSERT_FALSE(bad);
  EXPECT_TRUE(sink.messages().empty());
  c.password = "s3cret";
  auto good = SmtpTransport::create(c).value().send(message());
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(sink.wait_for(1).size(), 1u);
}

TEST(SmtpSinkTest, NoServerIsAnError) {
  std::string url;
  {
    testing::SmtpSink sink;  // a port that was just free, now closed again
    url = sink.url();
  }
  auto r = SmtpTransport::create(config(url)).value().send(message());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
}

TEST(SmtpSinkTest, RequiredStarttlsIsNeverSkipped) {
  testing::SmtpSink plain;  // offers no STARTTLS
  SmtpConfig c = config(plain.url());
  c.tls = Tls::starttls;
  ASSERT_FALSE(SmtpTransport::create(c).value().send(message()));
  EXPECT_TRUE(plain.messages().empty());
  c.tls = Tls::opportunistic;  // plain is acceptable when asked for
  ASSERT_TRUE(SmtpTransport::create(c).value().send(message()));
}

TEST(SmtpSinkTest, StarttlsWithTheServersCertificate) {
  testing::SmtpSink sink({.tls = testing::SinkTls::starttls});
  SmtpConfig c = config(sink.url());
  c.tls = Tls::none;  // the server requires STARTTLS: a plain client is refused
  ASSERT_FALSE(SmtpTransport::create(c).value().send(message()));
  c.tls = Tls::starttls;  // an untrusted (self-signed) certificate is refused
  ASSERT_FALSE(SmtpTransport::create(c).value().send(message()));
  EXPECT_TRUE(sink.messages().empty());
  c.ca_file = sink.cert_file();
  auto r = SmtpTransport::create(c).value().send(message());
  ASSERT_TRUE(r) << r.error().message;
  const auto got = sink.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(decode_2047(parse(got[0].raw).headers.at("subject")), "Il tuo ordine è stato spedito");
}

TEST(SmtpSinkTest, ImplicitTlsSmtps) {
  testing::SmtpSink sink({.tls = testing::SinkTls::implicit});
  ASSERT_TRUE(sink.url().starts_with("smtps://"));
  SmtpConfig c = config(sink.url());
  c.ca_file = sink.cert_file();
  auto r = SmtpTransport::create(c).value().send(message());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(sink.wait_for(1).size(), 1u);
}

// ---- The outbox through the real transport, both engines. ----

class OutboxSmtpTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  notifications::Notifications ntf_{log_, {"Bottega Rossi"}};
  testing::FakeClock clock_;
  testing::FakeRandom random_;
};

TEST_P(OutboxSmtpTest, SentAndRefusedThenFailed) {
  testing::SmtpSink sink({.reject_recipients = {"bounce@example.com"}});
  auto t = SmtpTransport::create(config(sink.url())).value();
  using notifications::EmailInput;
  const notifications::Shipped shipped{"WEB-000012", "BRT", "123", "https://track.example.com/1"};
  for (const auto& [key, to] : {std::pair{"order:12:shipped", "cliente@example.com"},
                                std::pair{"order:13:shipped", "bounce@example.com"}}) {
    auto e = db_->write([&](storage::Tx& tx) {
      return ntf_.enqueue(tx, EmailInput{key, notifications::Locale::it, to, "Niccolò", shipped},
                          clock_.now_ms());
    });
    ASSERT_TRUE(e) << e.error().message;
  }
  auto rep = ntf_.deliver_due(*db_, t, clock_, random_, 10).value();
  EXPECT_EQ(rep.sent, 1);
  EXPECT_EQ(rep.retried, 1);
  const auto got = sink.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  const Parsed p = parse(got[0].raw);
  EXPECT_EQ(decode_2047(p.headers.at("subject")), "Il tuo ordine WEB-000012 è stato spedito");
  EXPECT_NE(b64_decode(parts(p).at(0).body).find("Ciao Niccolò,"), std::string::npos);
  int failed = 0;
  for (int round = 0; round < limits::kMaxEmailAttempts + 2; ++round) {
    clock_.advance_ms(limits::kEmailMaxBackoffMs);
    failed += ntf_.deliver_due(*db_, t, clock_, random_, 10).value().failed;
  }
  EXPECT_EQ(failed, 1);
  auto bounced = db_->read([](storage::Tx& tx) {
                      return notifications::Notifications::list(
                          tx, {.dedupe_key = "order:13:shipped"});
                    }).value();
  ASSERT_EQ(bounced.items.size(), 1u);
  EXPECT_EQ(bounced.items[0].status, notifications::Status::failed);
  EXPECT_EQ(bounced.items[0].attempts, limits::kMaxEmailAttempts);
  EXPECT_NE(bounced.items[0].last_error.find("550"), std::string::npos);
  EXPECT_EQ(sink.messages().size(), 1u);  // the refused one never arrived
}

INSTANTIATE_TEST_SUITE_P(Engines, OutboxSmtpTest, ::testing::ValuesIn(testing::engines()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace fondaco::smtp
