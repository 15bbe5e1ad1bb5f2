// Result<T> and Error: how expected failures travel through Fondaco.
//
// Every function that can fail for a reason a caller must handle (bad input, missing row,
// not enough stock) returns Result<T> = std::expected<T, Error>. Error carries a stable
// code (mapped to HTTP status in exactly one place, src/api/src/problem.cc), a message for
// humans and, when one input is at fault, the field that names it. Exceptions are kept for
// third-party boundaries and bugs. Thread-safety: plain values.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace fondaco {

// Stable codes: clients and tests match on these, never on messages. Add, never rename.
enum class ErrorCode {
  invalid_argument,
  not_found,
  conflict,
  insufficient_stock,
  unauthorized,
  forbidden,
  payload_too_large,
  invalid_transition,
  idempotency_mismatch,
  method_not_allowed,
  unsupported_media_type,
  unavailable,
  internal,
  cart_expired,    // the cart's holds ran out (TTL) or it was deleted: it holds nothing
  cart_converted,  // the cart has already become an order
  // Well-formed input that breaks a domain rule of an outside standard (a partita IVA whose
  // check digit is wrong, a codice fiscale, an IBAN): HTTP 422.
  unprocessable,
  // Too many attempts (login failures per e-mail or per client address): HTTP 429, the
  // response says when to retry.
  rate_limited,
  // A cookie-authenticated state change without the session's X-CSRF-Token: HTTP 403.
  csrf_failed,
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  // JSON-pointer-like path of the offending input ("variants[2].gtin"); empty when none.
  std::string field;
  // Optional pre-rendered JSON array with structured details (e.g. short lines for
  // insufficient_stock); empty when none. Rendered as the problem's "errors" member.
  std::string details_json;
};

inline Error make_error(ErrorCode code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field), {}};
}

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message, std::string field = {}) {
  return std::unexpected(make_error(code, std::move(message), std::move(field)));
}
inline std::unexpected<Error> fail(Error e) { return std::unexpected(std::move(e)); }

inline Result<void> ok() { return {}; }

}  // namespace fondaco

// FONDACO_TRY(expr): evaluates a Result; on error returns it from the enclosing function,
// otherwise yields the value. Uses a GNU statement expression (g++ and clang both have it).
#define FONDACO_TRY(expr)                                        \
  ({                                                             \
    auto&& fondaco_try_r_ = (expr);                              \
    if (!fondaco_try_r_) return ::std::unexpected(               \
        ::std::move(fondaco_try_r_).error());                    \
    ::std::move(fondaco_try_r_).value();                         \
  })
