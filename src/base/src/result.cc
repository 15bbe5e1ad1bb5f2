#include "fondaco/base/result.h"

namespace fondaco {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::insufficient_stock: return "insufficient_stock";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::invalid_transition: return "invalid_transition";
    case ErrorCode::idempotency_mismatch: return "idempotency_mismatch";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::unsupported_media_type: return "unsupported_media_type";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::internal: return "internal";
    case ErrorCode::cart_expired: return "cart_expired";
    case ErrorCode::cart_converted: return "cart_converted";
    case ErrorCode::unprocessable: return "unprocessable";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::csrf_failed: return "csrf_failed";
  }
  return "internal";
}

}  // namespace fondaco
