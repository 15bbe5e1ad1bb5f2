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
// A transactional subscriber stops adding events to its transaction after this much work,
// so it never holds SQLite's single writer (and the API's commits behind it) for long.
inline constexpr int kDispatchTxBudgetMs = 50;

// Storage ------------------------------------------------------------------------------
inline constexpr int kSqliteBusyTimeoutMs = 5'000;
inline constexpr int kReadConnections = 4;

// Payments ------------------------------------------------------------------------
// Stripe's documented default tolerance between the signed timestamp and now (replays of an
// old, intercepted delivery are refused after this).
inline constexpr std::int64_t kStripeSignatureToleranceS = 300;
// v1 signatures accepted in one Stripe-Signature header (Stripe sends one per active secret).
inline constexpr std::size_t kMaxStripeSignatures = 8;
// A bank statement or COD remittance file: checked before parsing, so a hostile file never
// reaches the XML parser (a month of a busy shop's camt.053 is well under this).
inline constexpr std::size_t kMaxStatementBytes = 1 << 20;
// Entries (Ntry / CSV rows) per imported file: one transaction must stay short.
inline constexpr std::size_t kMaxStatementEntries = 5'000;
// Remittance text kept per entry (camt.053 Ustrd is 140 chars, several may be present).
inline constexpr std::size_t kMaxRemittanceChars = 1'000;
// Order-number-like tokens looked up per remittance text.
inline constexpr std::size_t kMaxRemittanceCandidates = 16;
// Decimal amounts: digits before the separator (int64 minor units must not overflow).
inline constexpr std::size_t kMaxAmountIntegerDigits = 15;
// Refunds sent to the card gateway per processing round, and attempts before one is marked
// failed (the Idempotency-Key makes every retry safe); backoff doubles up to the ceiling.
inline constexpr int kRefundBatch = 50;
inline constexpr int kMaxRefundAttempts = 10;
inline constexpr std::int64_t kRefundRetryBaseMs = 30'000;
inline constexpr std::int64_t kRefundRetryMaxMs = 3'600'000;
// Outbound HTTP call to the card gateway (connect + whole request).
inline constexpr long kGatewayTimeoutMs = 15'000;
// Response body kept from the gateway (errors are logged/stored truncated).
inline constexpr std::size_t kMaxGatewayResponseBytes = 64 * 1024;
// Settings: PEM certificate and secrets sizes.
inline constexpr std::size_t kMaxCertificatePemBytes = 16 * 1024;
inline constexpr std::size_t kMaxSecretChars = 512;
// ---- end payments ----

// Invoicing ------------------------------------------------------------------------
// Lines per fiscal document: an order's lines plus shipping; SdI accepts far more, but one
// document is one transaction and one PDF, so keep it bounded.
inline constexpr std::size_t kMaxInvoiceLines = 500;
// DettaglioLinee/Descrizione is String1000LatinType in the FatturaPA schema.
inline constexpr std::size_t kMaxInvoiceDescriptionChars = 1000;
// Causale is split into 200-character Causale elements; this bounds their number.
inline constexpr std::size_t kMaxInvoiceCausaleChars = 2000;
// One amount (line, unit price): 10^11 minor units (a billion euro) keeps every product of
// amount × 10^6 (8-decimal unit prices) and of amount × rate inside int64.
inline constexpr std::int64_t kMaxInvoiceAmountMinor = 100'000'000'000;
inline constexpr std::int64_t kMaxInvoiceQty = 1'000'000;
// An SdI receipt (RC/NS/MC/NE) is a few KB; a FatturaPA file SdI accepts is at most 5 MB.
// Both are checked before parsing, so a hostile file never reaches the XML parser.
inline constexpr std::size_t kMaxSdiReceiptBytes = 256 * 1024;
inline constexpr std::size_t kMaxFatturaPaBytes = 5 * 1024 * 1024;
// Errors kept from one NotificaScarto (SdI lists a handful; the rest are dropped).
inline constexpr std::size_t kMaxSdiErrors = 50;
// ---- end invoicing ----

// Fulfillment ------------------------------------------------------------------------
// Lines in one shipment: a shipment carries (part of) one order.
inline constexpr std::size_t kMaxShipmentLines = kMaxOrderLines;
// Shipments a picker takes in one pick list (one trolley); the default when none is given.
inline constexpr std::int64_t kDefaultPickListShipments = 20;
// More than this does not fit a trolley and makes the printed list unwieldy.
inline constexpr std::int64_t kMaxPickListShipments = 200;
// Parcels per shipment: a shipment above this is a pallet/freight job, not a parcel label.
inline constexpr std::int64_t kMaxParcels = 99;
// Idempotency keys of shipments ("order:12:loc:WH1").
inline constexpr std::size_t kMaxSourceKeyChars = 128;
// Carrier codes ("GLS", "POSTE") and service codes ("standard", "express").
inline constexpr std::size_t kMaxCarrierCodeChars = 32;
inline constexpr std::size_t kMaxCarrierServices = 20;
inline constexpr std::size_t kMaxTrackingPrefixChars = 8;
inline constexpr std::size_t kMaxUrlChars = 2'000;
// Tracking updates in one webhook call or CSV import (a carrier's daily file is ~thousands).
inline constexpr std::size_t kMaxTrackingUpdates = 5'000;
inline constexpr std::size_t kMaxTrackingNumberChars = 64;
// Pick-path positions: large enough for aisle*10^4 + shelf schemes.
inline constexpr std::int64_t kMaxPickSeq = 1'000'000'000;
// A line's description: a product title (255) plus its variant options, as workflows build it.
inline constexpr std::size_t kMaxShipmentDescriptionChars = 1'000;
// ---- end fulfillment ----

// Returns ------------------------------------------------------------------------
// Lines of one return request: a return cannot hold more lines than an order.
inline constexpr std::size_t kMaxReturnLines = kMaxOrderLines;
// Entries of one receive scan or one inspection: one per SKU and disposition is normal; a
// scanner sending one entry per unit of a large B2B return stays below this.
inline constexpr std::size_t kMaxReturnScanEntries = 1'000;
// How long the customer has to send the goods once an RMA is authorized (EU practice: the
// 14-day withdrawal period plus shipping slack; shops commonly promise 30 days).
inline constexpr std::int64_t kDefaultReturnWindowMs = 30LL * 24 * 3600 * 1000;
// A configured window above a year is a configuration error (goods are long gone).
inline constexpr std::int64_t kMaxReturnWindowMs = 365LL * 24 * 3600 * 1000;
// Notes on a return line, an authorization, a rejection reason, a cancellation.
inline constexpr std::size_t kMaxReturnNoteChars = 1'000;
// The payment provider's refund id (Stripe re_..., PayPal ids): short opaque strings.
inline constexpr std::size_t kMaxRefundRefChars = 128;
// A caller's idempotency source key for a request (a marketplace return id, a portal id).
inline constexpr std::size_t kMaxReturnSourceKeyChars = 128;
// ---- end returns ----

// Notifications ------------------------------------------------------------------------
// One recipient per e-mail: customer messages are personal, and one address per row keeps
// retries, failures and the delivery log per person (no Cc/Bcc, no lists).
inline constexpr std::size_t kMaxEmailRecipients = 1;
// A rendered e-mail (subject + text + html). An order confirmation with 500 lines is
// ~250 KB of HTML; above 1 MB something is wrong, and many servers refuse 10 MB+ anyway.
inline constexpr std::size_t kMaxEmailBodyBytes = 1 << 20;
// Dedupe keys are built by code ("order:12:confirmed"); 200 leaves room for long ids.
inline constexpr std::size_t kMaxEmailDedupeKeyChars = 200;
// A display name ("Mario Rossi", a company) in a To header.
inline constexpr std::size_t kMaxEmailNameChars = 255;
// Attempts before a message is marked failed: with the backoff below that is ~2 h of
// retries, which rides out a mail server restart or a short outage but not a dead config.
inline constexpr int kMaxEmailAttempts = 8;
// Backoff before attempt n+1 is base · 2^(n-1), capped, with jitter (0.5x..1x).
inline constexpr std::int64_t kEmailBaseBackoffMs = 30'000;
inline constexpr std::int64_t kEmailMaxBackoffMs = 3'600'000;
// How long one SMTP conversation may take (connect + send).
inline constexpr int kSmtpTimeoutMs = 60'000;
// A sender claims a message (status sending) for this long; a crash while sending makes it
// due again after the lease (at-least-once). Well above the SMTP timeout, so a slow but
// live sender is never overtaken by another one.
inline constexpr std::int64_t kEmailSendLeaseMs = 5 * 60'000;
static_assert(kEmailSendLeaseMs > 2 * kSmtpTimeoutMs);
// Messages one deliver_due round sends at most (a round sends them one after the other).
inline constexpr int kEmailDeliverBatch = 50;
// A round stamped with one time (deliver_due with now_ms) sends fewer, so that even if
// every send takes the full SMTP timeout the round ends before its leases expire.
inline constexpr int kEmailDeliverBatchAtOneTime =
    static_cast<int>(kEmailSendLeaseMs / kSmtpTimeoutMs) - 1;
static_assert(kEmailDeliverBatchAtOneTime >= 1);
// ---- end notifications ----

// Automations ------------------------------------------------------------------------
// A chain step (src/workflows/order_to_cash.h) that fails this many times on one event is
// parked as a failure for a person to look at; with the dispatcher's backoff (0.2 s
// doubling, capped at a minute) that is about two minutes of retries.
inline constexpr int kChainMaxAttempts = 10;
// ---- end automations ----

}  // namespace fondaco::limits
