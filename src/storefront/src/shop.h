// Private to the storefront: the long-lived state behind the handler (Shop), one request's
// view of the shopper (Visit), and the page functions the router calls. Pages are split
// between storefront.cc (browsing: home, categories, product, search, sitemap) and
// cart_checkout.cc (cart, checkout, orders, lookup) and account.cc (sign-in, order history).
// Thread-safety: Shop is shared by all request threads and holds only thread-safe members; a Visit
// belongs to one request.
#pragma once

#include <optional>
#include <string>

#include "attempts.h"
#include "fondaco/base/limits.h"
#include "fondaco/customers/customers.h"
#include "fondaco/notifications/notifications.h"
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
        customers(services.log),
        notifications(services.log),
        lookups_by_number(limits::kLookupFailuresPerNumber, limits::kLookupWindowMs,
                          limits::kLookupKeysTracked),
        lookups_by_client(limits::kLookupFailuresPerClient, limits::kLookupWindowMs,
                          limits::kLookupKeysTracked) {}
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
  notifications::Notifications notifications;  // the sign-in links' outbox
  // Failed guest lookups, per order number and per client address (checkout.cc).
  AttemptWindow lookups_by_number;
  AttemptWindow lookups_by_client;
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

// The account (account.cc): sign-in form or order history, the e-mailed link, sign-out.
api::Response account_page(Shop& shop, Visit& v);
api::Response sign_in_post(Shop& shop, Visit& v, const FormFields& form);
api::Response sign_in_redeem(Shop& shop, Visit& v);
api::Response sign_out_post(Shop& shop, Visit& v);
// The id of the order with this number and e-mail (case-insensitive), scanning at most
// limits::kShopperOrdersScanned orders of that e-mail (checkout.cc).
Result<std::optional<std::int64_t>> order_of_email(Shop& shop, storage::Tx& tx,
                                                   std::string_view number,
                                                   std::string_view email);
// The order page's extras (account.cc): tracking numbers (with links) of its shipments, its
// fiscal documents (invoice, receipt, credit notes) as links to their PDF, and one PDF
// (`file` is "<document id>.pdf"; another order's document reads as not found).
Result<mu::data> order_tracking(storage::Tx& tx, std::int64_t order_id);
Result<mu::data> order_documents(Shop& shop, Visit& v, storage::Tx& tx, const orders::Order& o);
api::Response order_document(Shop& shop, Visit& v, const orders::Order& o, std::string_view file);
// The id of the order with this number if it belongs to the customer (same e-mail).
Result<std::optional<std::int64_t>> customer_order(Shop& shop, storage::Tx& tx,
                                                   std::int64_t customer_id,
                                                   std::string_view number);

}  // namespace fondaco::storefront
