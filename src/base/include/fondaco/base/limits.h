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

// users ------------------------------------------------------------------------
// Console passwords: argon2id with OWASP's first recommended setting (t=2, m=19 MiB, p=1),
// about 30-60 ms per hash on one core here. A login costs that much on purpose; the rate
// limits below keep it from becoming a way to burn the CPU.
inline constexpr std::uint32_t kArgon2TimeCost = 2;
inline constexpr std::uint32_t kArgon2MemoryKiB = 19 * 1024;
inline constexpr std::uint32_t kArgon2Parallelism = 1;
inline constexpr std::size_t kArgon2SaltBytes = 16;
inline constexpr std::size_t kArgon2HashBytes = 32;
// NIST SP 800-63B asks for at least 8; 10 leaves room without forcing composition rules.
// The upper bound keeps one hash cheap to compute (argon2 reads the whole password).
inline constexpr std::size_t kMinPasswordChars = 10;
inline constexpr std::size_t kMaxPasswordBytes = 256;
inline constexpr std::size_t kMaxUserNameChars = 100;
// Sessions end after 30 minutes without a request (OWASP's upper idle range for an
// administrative console) and 12 hours after login whatever happens (a working day).
inline constexpr std::int64_t kSessionIdleTimeoutMs = 30LL * 60 * 1000;
inline constexpr std::int64_t kSessionAbsoluteLifetimeMs = 12LL * 60 * 60 * 1000;
// A session's last-seen time is written at most this often, so reading pages does not
// turn every request into a write.
inline constexpr std::int64_t kSessionTouchIntervalMs = 60'000;
// Login failures counted in a sliding window: 5 per e-mail stops guessing one account's
// password; 20 per client address stops spraying many accounts from one place while an
// office behind one NAT can still mistype. Both reset when the window passes.
inline constexpr int kLoginMaxFailuresPerEmail = 5;
inline constexpr int kLoginMaxFailuresPerAddress = 20;
inline constexpr std::int64_t kLoginFailureWindowMs = 15LL * 60 * 1000;
// ---- end users ----

// web ------------------------------------------------------------------------
// Largest file the console's static handler serves (read whole into the response): the
// biggest Vite chunk is well under 1 MB; anything larger in the folder is a mistake.
inline constexpr std::size_t kMaxStaticFileBytes = 8 * 1024 * 1024;
// Dashboard: orders and variants scanned for the figures (a bounded read per request; the
// response says `truncated` beyond it).
inline constexpr int kDashboardMaxOrders = 5000;
inline constexpr int kDashboardMaxVariants = 2000;
// A variant whose available quantity (all locations) is at or below this is "low stock".
inline constexpr std::int64_t kDashboardLowStockQty = 5;
// ---- end web ----
// ---- storefront ----
// A shopper session (cookie fondaco_shop) ends after this long without a request...
inline constexpr std::int64_t kShopSessionIdleMs = 7LL * 24 * 3600 * 1000;
// ...and this long after it began, whatever its activity (a stolen cookie stops working).
inline constexpr std::int64_t kShopSessionAbsoluteMs = 30LL * 24 * 3600 * 1000;
// A one-time sign-in link lives this long (it travels by e-mail; short limits a leaked one).
inline constexpr std::int64_t kSignInLinkTtlMs = 15LL * 60 * 1000;
// Unused sign-in links valid at once per customer: the form sends no more until one expires
// or is used (a public form must not become a way to flood someone's mailbox).
inline constexpr std::int64_t kSignInLinksLive = 3;
// Active products the storefront lists (home, categories, sitemap, search): the listing is
// held in memory and searched there, so the bound keeps a rebuild and a search bounded.
inline constexpr int kStorefrontMaxProducts = 5000;
// Entries of the product-page cache (one per product handle).
inline constexpr std::size_t kStorefrontProductCacheEntries = 10000;
// Rendered pages kept (one per product, language and origin; two ~4 KB renderings each, so
// ~10 MB at most). When full the cache starts over: a Host header per request (no base_url
// configured) can only cost re-renders, never memory.
inline constexpr std::size_t kStorefrontPageCacheEntries = 1024;
// Cached storefront data is reused at most this long even without a commit notification,
// which bounds staleness from writes by other processes sharing a PostgreSQL database.
inline constexpr std::int64_t kStorefrontCacheMaxAgeMs = 1000;
// Search: a longer query is refused (422, the page says why); at most this many results.
inline constexpr std::size_t kSearchMaxQueryChars = 100;
inline constexpr int kSearchMaxResults = 48;
// Products on the home page and per category page.
inline constexpr int kHomeProducts = 12;
inline constexpr int kCategoryProducts = 96;
// Orders of one e-mail address scanned by a guest lookup or an account page.
inline constexpr int kShopperOrdersScanned = 500;
// Orders the account page lists (the newest of those scanned), and shipments read per order
// for their tracking numbers.
inline constexpr int kShopperAccountOrders = 50;
inline constexpr int kShopperTrackedShipments = 10;
// Fiscal documents (invoice or receipt, credit notes) listed on a shopper's order page.
inline constexpr int kShopperOrderDocuments = 20;
// Guest order lookups (number + e-mail): after this many failures for one order number, or
// from one client address (several shoppers may share one, hence more), within the window,
// the form answers 429 until the window ends. Counted in memory over at most
// kLookupKeysTracked keys per kind.
inline constexpr int kLookupFailuresPerNumber = 10;
inline constexpr int kLookupFailuresPerClient = 40;
inline constexpr std::int64_t kLookupWindowMs = 15LL * 60 * 1000;
inline constexpr std::size_t kLookupKeysTracked = 100000;
// Checkout form fields (characters): a name, an address line, a city, a postal code.
inline constexpr std::size_t kCheckoutFieldChars = 200;
// A storefront form body (urlencoded); every form is small.
inline constexpr std::size_t kShopFormBytes = 16 * 1024;
// ---- end storefront ----

// HTTP client ------------------------------------------------------------------------
// A response body the HTTP client (connectors/http) reads at most: channel APIs and webhook
// receivers answer with small JSON documents; anything larger is an error, not memory use.
inline constexpr std::size_t kHttpClientMaxResponseBytes = 4 * 1024 * 1024;

// channels-sync ------------------------------------------------------------------------
// How long a channel worker holds the sync rows it claimed (channels/sync_queue.h): far
// longer than a call may take (the HTTP client's timeouts), so a lease expires only when
// the worker died, and then another process may send the rows again.
inline constexpr std::int64_t kChannelSyncLeaseMs = 60'000;
// Failed pushes wait base × 2^(attempts−1), capped, plus up to 25 % jitter so channels
// recovering together are not hit in step; a Retry-After from the channel wins when longer.
inline constexpr std::int64_t kChannelSyncBackoffBaseMs = 500;
inline constexpr std::int64_t kChannelSyncBackoffMaxMs = 5 * 60'000;
// After this many failed attempts in a row a version is given up (state "failed", the error
// kept); the next change of the value, or a resync, tries again. ~40 minutes of retries.
inline constexpr int kChannelSyncMaxAttempts = 15;
// Listing and fulfilment rows a worker claims per round (stock rows go by the client's
// max_stock_batch()).
inline constexpr int kChannelSyncClaimBatch = 50;
// Calls per second a channel may receive, per kind, unless the channel's setting
// "rate_limit_per_second" says otherwise (1..kMaxChannelRateLimitPerSecond). Shopify's REST
// Admin API allows 2 requests/s per store (leaky bucket of 40); WooCommerce is the shop's
// own server, so a modest 5; a generic receiver is the integrator's, built for volume.
inline constexpr int kShopifyRateLimitPerSecond = 2;
inline constexpr int kWooCommerceRateLimitPerSecond = 5;
inline constexpr int kGenericRateLimitPerSecond = 200;
inline constexpr int kMaxChannelRateLimitPerSecond = 1000;
// Delivery log rows kept per channel (older ones are pruned as new ones arrive).
inline constexpr std::int64_t kChannelDeliveryLogKeep = 1000;
// A channel worker with nothing due still looks at the queue this often (rows whose
// backoff ends, changes committed by another process).
inline constexpr std::int64_t kChannelWorkerIdleWakeMs = 1000;
// A resync re-queues at most this many listings of a channel in one request.
inline constexpr int kMaxChannelResyncListings = 100'000;
// ---- end channels-sync ----

// connectors-out ------------------------------------------------------------------------
// One call to a channel's API (Shopify, WooCommerce, a generic endpoint), connect included:
// their documented calls answer within seconds; a stuck shop must not hold a sync worker.
inline constexpr std::int64_t kChannelCallTimeoutMs = 15'000;
// The longest wait a channel may ask for (Retry-After, GraphQL throttle): beyond an hour the
// answer is more likely broken than meant, and the sync queue's own backoff takes over.
inline constexpr std::int64_t kChannelMaxRetryAfterMs = 3600LL * 1000;
// Shopify GraphQL input arrays hold at most 250 items (inventorySetQuantities.quantities).
inline constexpr std::size_t kShopifyMaxStockBatch = 250;
// Fulfillment orders read per Shopify order (one per location and split; dozens at most).
inline constexpr std::size_t kShopifyMaxFulfillmentOrders = 50;
// Line items read per Shopify fulfillment order (the GraphQL page maximum).
inline constexpr std::size_t kShopifyMaxFulfillmentOrderLines = 250;
// WooCommerce's batch endpoints accept up to 100 objects per request by default.
inline constexpr std::size_t kWooMaxStockBatch = 100;
// Stock levels per generic webhook body: ~120 bytes each, so a call stays around 60 KB.
inline constexpr std::size_t kGenericMaxStockBatch = 500;
// ---- end connectors-out ----

// channel-inbound ------------------------------------------------------------------------
// A replaced channel secret (webhook signing secret, API token) is still accepted this long,
// so webhooks signed while the shop rotates it are not refused (Shopify and WooCommerce
// deliver for hours with retries).
inline constexpr std::int64_t kChannelSecretGraceMs = 24LL * 3600 * 1000;
// A credential's name ("api_base_url", "webhook_secret"): short lower-case identifiers.
inline constexpr std::size_t kMaxChannelCredentialNameChars = 64;
// A setting's value: URLs and ids; 2 KB is the practical URL ceiling of browsers and proxies.
inline constexpr std::size_t kMaxChannelSettingChars = 2048;
// A secret's value: OAuth tokens and signing secrets are < 200 bytes; 4 KB leaves room for JWTs.
inline constexpr std::size_t kMaxChannelSecretChars = 4096;
// Credentials per channel (settings + secrets): a connector needs a handful.
inline constexpr std::size_t kMaxChannelCredentials = 32;
// Data rows in one Amazon report import: an order report is one row per item, and the
// request body is capped at kMaxRequestBodyBytes (1 MiB, ~4,000 rows); the cap also bounds
// the per-row report and the import's single transaction.
inline constexpr std::int64_t kAmazonReportMaxRows = 20'000;
// Refused rows listed in an Amazon import's report; the counts stay exact beyond it.
inline constexpr std::size_t kAmazonReportMaxErrors = 1'000;
// ---- end channel-inbound ----

// webhooks ------------------------------------------------------------------------
// Endpoints one shop may register: integrators have a handful; hundreds would make every
// event fan out to hundreds of rows.
inline constexpr int kMaxWebhookEndpoints = 50;
// Event types (or "order.*" prefixes) one endpoint may subscribe to.
inline constexpr std::size_t kMaxWebhookEventTypes = 50;
// An endpoint URL (http/https); long enough for a path with a token in its query.
inline constexpr std::size_t kMaxWebhookUrlChars = 2048;
inline constexpr std::size_t kMaxWebhookDescriptionChars = 500;
// Attempts of one delivery before it is marked failed. With the backoff below (1 min
// doubling up to 6 h, jitter 0.5x..1x) the last attempt comes ~1-2 days after the first.
inline constexpr int kWebhookMaxAttempts = 12;
inline constexpr std::int64_t kWebhookBaseBackoffMs = 60'000;
inline constexpr std::int64_t kWebhookMaxBackoffMs = 6LL * 3'600'000;
// One POST to a receiver (connect included); receivers should answer fast and work later.
inline constexpr std::int64_t kWebhookTimeoutMs = 10'000;
// A worker claims a delivery for this long; a crash mid-send makes it due again after the
// lease (at-least-once). Well above the timeout, so a live sender is never overtaken.
inline constexpr std::int64_t kWebhookSendLeaseMs = 60'000;
static_assert(kWebhookSendLeaseMs > 2 * kWebhookTimeoutMs);
// An endpoint whose attempts have all failed for this long (no 2xx since the first failure)
// is disabled, and the seller is told: 3 days, as long as a receiver may reasonably be down.
inline constexpr std::int64_t kWebhookDisableAfterMs = 3LL * 24 * 3'600'000;
// Deliveries one worker round claims at most (sent one after the other).
inline constexpr int kWebhookDeliverBatch = 50;
// Bytes of a receiver's answer kept in the delivery log (the rest is dropped).
inline constexpr std::size_t kWebhookResponseSnippetBytes = 1024;
// Delivered and failed deliveries (with their attempts) are kept this long.
inline constexpr std::int64_t kWebhookLogRetentionMs = 30LL * 24 * 3'600'000;
// After a secret rotation the previous secret still signs (a second v1=) for this long, so
// receivers can switch without rejecting deliveries.
inline constexpr std::int64_t kWebhookSecretGraceMs = 24LL * 3'600'000;
// Attempts listed with one delivery (the newest are kept).
inline constexpr int kWebhookAttemptsShown = 100;
// ---- end webhooks ----

// imports ------------------------------------------------------------------------
// One CSV/TSV field: a Shopify "Body (HTML)" is capped at 64 KB by the catalog; 1 MiB leaves
// room for any real description while a hostile quote left open cannot eat memory.
inline constexpr std::size_t kCsvMaxFieldBytes = 1 << 20;
// Columns in one record: Shopify's export has ~50, WooCommerce's ~40 plus 4 per attribute.
inline constexpr std::size_t kCsvMaxRecordFields = 1024;
// One record (all its fields): bounds the reader's memory per record.
inline constexpr std::size_t kCsvMaxRecordBytes = 4 << 20;
// Rows one product may span in a product file (variants + image rows); beyond this the
// product is refused instead of being buffered.
inline constexpr std::size_t kImportMaxRowsPerProduct = 1000;
// POST /api/v1/imports takes a body up to kMaxRequestBodyBytes (the server's limit, ~2,000
// variants in Shopify's format); larger files go through `fondaco import products`, which
// streams from disk.
// Refused rows listed in an import report; the counts stay exact beyond it.
inline constexpr std::size_t kImportMaxReportedErrors = 1000;
// Products applied per database transaction (each one in its own savepoint).
inline constexpr std::size_t kImportProductsPerTransaction = 200;
// ---- end imports ----

}  // namespace fondaco::limits
