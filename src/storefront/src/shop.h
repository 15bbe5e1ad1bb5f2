// Private to the storefront: the long-lived state behind the handler (Shop), one request's
// view of the shopper (Visit), and the page functions the router calls. Pages are split
// between storefront.cc (browsing: home, categories, product, search, sitemap) and
// cart_checkout.cc (cart, checkout, orders, lookup). Thread-safety: Shop is shared by all
// request threads and holds only thread-safe members; a Visit belongs to one request.
#pragma once

#include <optional>
#include <string>

#include "fondaco/customers/customers.h"
#include "fondaco/orders/orders.h"
#include "fondaco/payments/payments.h"
#include "fondaco/storefront/storefront.h"
#include "fondaco/workflows/place_order.h"
#include "form.h"
#include "render.h"
#include "shop_data.h"

namespace fondaco::storefront {

inline constexpr std::string_view kShopCookie = "fondaco_shop";

struct Shop {
  Shop(api::Services& services, StorefrontOptions opts)
      : s(services),
        options(std::move(opts)),
        data(services, options.channel),
        orders(services.log),
        payments(services.log),
        customers(services.log) {}
  workflows::OrderServices order_services() {
    return workflows::OrderServices{s.catalog, s.inventory, orders, &payments};
  }

  api::Services& s;
  StorefrontOptions options;
  ShopData data;
  Renderer renderer;
  orders::Orders orders;
  payments::Payments payments;
  customers::Customers customers;
};

struct Visit {
  explicit Visit(const api::Request& r) : req(r) {}
  const api::Request& req;
  Lang lang = Lang::it;
  std::string path;  // without the query
  FormFields query;
  std::string secret;  // the session cookie's value (maybe issued by this response)
  bool new_cookie = false;
  std::string base_url;
  // The session row, when the shopper has one (read on demand by session()).
  std::optional<customers::Session> session_row;
  bool session_loaded = false;

  std::string csrf() const;  // the token forms carry: derived from the cookie secret
};

api::Response html(int status, std::string body);
api::Response redirect(std::string location);  // 303 See Other

// The session row of this visit (none for a shopper who never changed anything).
Result<std::optional<customers::Session>> session(Shop& shop, Visit& v);
// The shopper's session row for a write, made by the server: a presented cookie with no
// live row is never adopted (an id chosen or planted by someone else would be session
// fixation); a fresh secret replaces it and the response sets it as the new cookie.
Result<customers::Session> server_session(Shop& shop, storage::Tx& tx, Visit& v,
                                          std::int64_t now_ms);
// Base page metadata: the shopper's cart size, a ?m= message.
PageMeta page_meta(Shop& shop, Visit& v, std::string title);
api::Response not_found(Shop& shop, Visit& v);
api::Response server_error(const Error& e);
api::Response render(Shop& shop, Visit& v, int status, const PageMeta& meta, Template body,
                     mu::data data);

api::Response cart_page(Shop& shop, Visit& v);
api::Response cart_change(Shop& shop, Visit& v, const FormFields& form, bool add);
api::Response checkout_page(Shop& shop, Visit& v);
api::Response checkout_post(Shop& shop, Visit& v, const FormFields& form);
api::Response order_page(Shop& shop, Visit& v, std::string_view number);
api::Response lookup_page(Shop& shop, Visit& v);
api::Response lookup_post(Shop& shop, Visit& v, const FormFields& form);

}  // namespace fondaco::storefront
