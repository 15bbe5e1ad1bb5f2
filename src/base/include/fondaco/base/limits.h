// Every limit Fondaco enforces, in one place. Each has a reason; change them here only.
// Thread-safety: constants.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fondaco::limits {

// HTTP ---------------------------------------------------------------------------------
// Largest request body accepted; a product with 100 variants and prices is ~60 KB.
inline constexpr std::size_t kMaxRequestBodyBytes = 1 << 20;
// Largest header block (request line + headers).
inline constexpr std::size_t kMaxRequestHeaderBytes = 16 * 1024;
// Open connections beyond this are closed on accept (protects memory and fds).
inline constexpr std::size_t kMaxConnections = 4096;
// A request must arrive in full within this time once its first byte is read.
inline constexpr int kRequestReadTimeoutMs = 30'000;
// An idle keep-alive connection is closed after this.
inline constexpr int kIdleTimeoutMs = 60'000;
// On SIGTERM, in-flight requests get this long to finish.
inline constexpr int kShutdownGraceMs = 10'000;

// Lists --------------------------------------------------------------------------------
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;
// Events tail: larger pages are allowed because integrators catch up in bulk.
inline constexpr int kMaxEventsPageSize = 1000;

// Catalog ------------------------------------------------------------------------------
inline constexpr std::size_t kMaxVariantsPerProduct = 250;       // Shopify allows 2048 now; 250 is ample here
inline constexpr std::size_t kMaxPricesPerVariant = 50;
inline constexpr std::size_t kMaxOptionsPerVariant = 10;
inline constexpr std::size_t kMaxTitleChars = 255;
inline constexpr std::size_t kMaxDescriptionBytes = 64 * 1024;
inline constexpr std::size_t kMaxShortTextChars = 255;      // brand, category, SEO title...
inline constexpr std::size_t kMaxSkuChars = 64;
inline constexpr std::size_t kMaxCodeChars = 64;            // location, price-list codes
inline constexpr std::size_t kMaxSearchChars = 100;

// Money and quantities -----------------------------------------------------------------
// 10^13 minor units = 100 billion EUR: far above any real price. Products of amounts and
// quantities can exceed int64, so totals use checked arithmetic (money.h).
inline constexpr std::int64_t kMaxAmountMinor = 10'000'000'000'000;
inline constexpr std::int64_t kMaxQuantity = 1'000'000;
inline constexpr std::int64_t kMaxWeightGrams = 10'000'000;  // 10 t
inline constexpr int kMaxVatRateBp = 10'000;                  // 100 %

// Inventory ----------------------------------------------------------------------------
inline constexpr std::int64_t kMaxReservationTtlMs = 7LL * 24 * 3600 * 1000;

// Orders -------------------------------------------------------------------------------
// Lines per order: a large B2B order has a few hundred; more is an import error.
inline constexpr std::size_t kMaxOrderLines = 500;
// Channel codes ("storefront", "shopify"...): short lower-case identifiers.
inline constexpr std::size_t kMaxChannelChars = 32;
// A channel's own order reference (Shopify ids, Amazon 3-7-7 ids...).
inline constexpr std::size_t kMaxExternalRefChars = 128;
// RFC 5321 path limit.
inline constexpr std::size_t kMaxEmailChars = 254;
inline constexpr std::size_t kMaxPhoneChars = 32;
inline constexpr std::size_t kMaxPostalCodeChars = 16;
// Fiscal identifiers as given (P.IVA, codice fiscale, SDI code): validated in order-to-cash.
inline constexpr std::size_t kMaxFiscalIdChars = 32;
inline constexpr std::size_t kMaxOrderNotesChars = 4'000;
inline constexpr std::size_t kMaxStatusNoteChars = 1'000;
// Any order amount (line, shipping, grand total): equal to the single-amount ceiling, which
// keeps VAT arithmetic (amount × 10000) far inside int64.
inline constexpr std::int64_t kMaxOrderTotalMinor = kMaxAmountMinor;
// Locations in a placement priority list (per request or configured per channel).
inline constexpr std::size_t kMaxPlacementLocations = 64;
// An order number prefix ("WEB", "SHP"); as long as a channel code, because a channel
// created without one numbers its orders with its code in upper case.
inline constexpr std::size_t kMaxOrderPrefixChars = kMaxChannelChars;

// Carts --------------------------------------------------------------------------------
// How long a cart holds stock when the request names no TTL (server flag --cart-ttl):
// long enough to check out, short enough that abandoned carts give stock back quickly.
inline constexpr std::int64_t kDefaultCartTtlSeconds = 15 * 60;
// Below a minute a hold expires while the customer is still typing a card number.
inline constexpr std::int64_t kMinCartTtlSeconds = 60;
// Above a day stock sits in abandoned carts instead of being sold (and must stay below
// kMaxReservationTtlMs, the inventory module's own ceiling for a hold).
inline constexpr std::int64_t kMaxCartTtlSeconds = 24 * 3600;
static_assert(kMaxCartTtlSeconds * 1000 <= kMaxReservationTtlMs);
// Lines in a cart: it becomes an order, so the order limit applies.
inline constexpr std::size_t kMaxCartLines = kMaxOrderLines;

// Tokens -------------------------------------------------------------------------------
inline constexpr std::size_t kMaxTokenNameChars = 100;
// A verified token is remembered this long, so a request does not pay a database round
// trip for auth. Revocation through this node's API takes effect at once; on other nodes
// sharing the database, within this time.
inline constexpr int kTokenCacheTtlMs = 2'000;
inline constexpr std::size_t kTokenCacheMaxEntries = 10'000;

// Read cache ----------------------------------------------------------------------------
// Rendered variant+stock responses kept in memory (SQLite only; ~1 KB each).
inline constexpr std::size_t kReadCacheMaxEntries = 50'000;

// Idempotency --------------------------------------------------------------------------
// Responses to POSTs with an Idempotency-Key are kept at least 24 h (Stripe's promise),
// plus an hour of slack for clients retrying on a daily schedule.
inline constexpr std::int64_t kIdempotencyRetentionMs = 25LL * 3600 * 1000;

// Events -------------------------------------------------------------------------------
// A dispatcher hands at most this many events to one subscriber per round.
inline constexpr int kDispatchBatch = 256;
// Retry backoff ceiling for a failing subscriber.
inline constexpr int kDispatchMaxBackoffMs = 60'000;

// Storage ------------------------------------------------------------------------------
inline constexpr int kSqliteBusyTimeoutMs = 5'000;
inline constexpr int kReadConnections = 4;

// Payments ------------------------------------------------------------------------
// ---- end payments ----

// Invoicing ------------------------------------------------------------------------
// ---- end invoicing ----

// Fulfillment ------------------------------------------------------------------------
// ---- end fulfillment ----

// Returns ------------------------------------------------------------------------
// ---- end returns ----

// Notifications ------------------------------------------------------------------------
// ---- end notifications ----

// Automations ------------------------------------------------------------------------
// ---- end automations ----

}  // namespace fondaco::limits
