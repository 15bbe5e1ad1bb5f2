# The smtp connector (included by src/CMakeLists.txt). Owned by the connector.
fondaco_module(NAME smtp DIR ${CMAKE_CURRENT_SOURCE_DIR}/connectors/smtp
  SOURCES connectors/smtp/src/smtp.cc
  DEPS fondaco_base fondaco_platform fondaco_notifications)
