// The one place where error codes become HTTP statuses and RFC 9457 problem documents.
#include "fondaco/platform/json.h"
#include "router.h"

namespace fondaco::api {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return 400;
    case ErrorCode::unauthorized: return 401;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::csrf_failed: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::method_not_allowed: return 405;
    case ErrorCode::conflict: return 409;
    case ErrorCode::insufficient_stock: return 409;
    case ErrorCode::invalid_transition: return 409;
    case ErrorCode::cart_expired: return 409;
    case ErrorCode::cart_converted: return 409;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::unsupported_media_type: return 415;
    case ErrorCode::idempotency_mismatch: return 422;
    case ErrorCode::unprocessable: return 422;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::unavailable: return 503;
    case ErrorCode::internal: return 500;
  }
  return 500;
}

namespace {
std::string_view title(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
  }
}
}  // namespace

Response problem_response(const Error& e) {
  const int status = http_status(e.code);
  json::Writer w;
  w.begin_object();
  w.kv("type", "https://fondaco.dev/problems/" + std::string(to_string(e.code)));
  w.kv("title", title(status)).kv("status", status).kv("code", to_string(e.code));
  // Internal details (SQL, engine messages) stay in the log, not in the response.
  w.kv("detail", e.code == ErrorCode::internal ? std::string("internal error") : e.message);
  if (!e.field.empty() && !e.field.starts_with("constraint:")) w.kv("field", e.field);
  if (!e.details_json.empty()) w.key("errors").raw(e.details_json);
  w.end_object();
  Response r;
  r.status = status;
  r.set_header("Content-Type", "application/problem+json");
  if (status == 401) r.set_header("WWW-Authenticate", "Bearer");
  r.body = w.take();
  return r;
}

Response json_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

}  // namespace fondaco::api
