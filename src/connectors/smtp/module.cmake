# The smtp connector (included by src/CMakeLists.txt). Owned by the connector.
# smtp_test runs the real SmtpTransport against a real local SMTP server (testing::SmtpSink,
# testing/smtp_sink.py on Debian's python3-aiosmtpd), and the outbox end to end on both engines.
fondaco_module(NAME smtp DIR ${CMAKE_CURRENT_SOURCE_DIR}/connectors/smtp
  SOURCES connectors/smtp/src/smtp.cc
  DEPS fondaco_base fondaco_platform fondaco_notifications
  PRIVATE_DEPS CURL::libcurl
  TESTS connectors/smtp/src/smtp_test.cc
  TEST_LABELS postgres TEST_FIXTURES postgres_server)
