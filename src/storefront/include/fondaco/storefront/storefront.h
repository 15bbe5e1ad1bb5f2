// The storefront: the shop's public pages, rendered on the server (crawlable HTML with the
// price and availability in the first byte, schema.org Product JSON-LD, canonical URLs,
// sitemap.xml, robots.txt), search, a cart that holds stock (workflows/carts.h), checkout
// through workflows::place_order on the storefront channel, and guest order lookup.
//
// URLs carry the language: /it/... and /en/...; "/" redirects by Accept-Language (Italian
// unless English is preferred). Every page works without JavaScript: changes are plain
// HTML forms (POST, then 303 to a page), each with a CSRF token derived from the shopper's
// session cookie (`fondaco_shop`, HttpOnly, SameSite=Lax), so a form posted from another
// site is refused with 403. The cookie is issued on the first page; its session row is
// written only when the shopper first changes something (customers.h).
//
// Requests for /api/..., /admin..., /healthz, /readyz and /metrics go to `next` untouched.
// Thread-safety: the returned handler is safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fondaco/api/app.h"
#include "fondaco/api/http.h"

namespace fondaco::storefront {

struct ShippingOption {
  std::string code;  // "standard"
  std::string name_it, name_en;
  std::int64_t price_minor = 0;  // VAT included
};

struct StorefrontOptions {
  std::string channel = "storefront";
  // Absolute origin for canonical URLs and the sitemap ("https://shop.example"); empty:
  // "http://" + the request's Host header.
  std::string base_url;
  // Card payments in test mode: no network; card 4242424242424242 is captured through the
  // payments module (as the gateway's webhook would), 4000000000000002 is declined. The
  // checkout page says so in a marked box. There is no live card mode yet. Off unless the
  // server runs the demo (`serve --demo`): a real shop must never accept test cards.
  bool card_test_mode = false;
  bool secure_cookies = false;  // Secure attribute on the cookie (behind TLS)
  // The shop's script (web/shop/shop.ts compiled), served at /assets/shop.js and loaded by
  // every page; empty: pages carry no script and work as plain forms.
  std::string script;
  std::vector<ShippingOption> shipping = {
      {"standard", "Corriere espresso (2–4 giorni)", "Courier (2–4 days)", 690},
      {"express", "Consegna in 24 ore", "Next-day delivery", 1290},
  };
};

// The storefront in front of `next` (the API and console handler).
api::Handler make_storefront_handler(api::Services& services, const StorefrontOptions& options,
                                     api::Handler next);

}  // namespace fondaco::storefront
