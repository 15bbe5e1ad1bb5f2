// The customer account: sign-in by a one-time e-mailed link (no passwords), the signed-in
// customer's order history with live status and tracking, and sign-out. The sign-in form
// answers "check your e-mail" for every well-formed address, so it never tells whether an
// account exists; redeeming a link moves the shopper to a new session id (no fixation).
#include <algorithm>
#include <deque>

#include <spdlog/spdlog.h>

#include "fondaco/base/limits.h"
#include "fondaco/fulfillment/fulfillment.h"
#include "fondaco/invoicing/invoicing.h"
#include "fondaco/notifications/notifications.h"
#include "shop.h"

namespace fondaco::storefront {
namespace {

using api::Response;
using storage::Tx;

std::string lang_path(const Visit& v, std::string_view rest) {
  return "/" + std::string(lang_code(v.lang)) + std::string(rest);
}

notifications::Locale locale_of(Lang l) {
  return l == Lang::it ? notifications::Locale::it : notifications::Locale::en;
}

PageMeta account_meta(Shop& shop, Visit& v) {
  auto meta = page_meta(shop, v, shop.renderer.text(v.lang, "account"));
  meta.canonical = false;
  meta.noindex = true;
  return meta;
}

Response show_sign_in(Shop& shop, Visit& v, int status, const std::string& email,
                      std::string_view error_key, std::string_view page_error_key) {
  auto meta = account_meta(shop, v);
  if (!page_error_key.empty()) meta.error = shop.renderer.text(v.lang, page_error_key);
  mu::data form;
  form.set("csrf", v.csrf());
  form.set("email", email);
  if (!error_key.empty()) form.set("email_error", shop.renderer.text(v.lang, error_key));
  mu::data d;
  d.set("sign_in", form);
  return render(shop, v, status, meta, Template::account, std::move(d));
}

// The newest orders of this e-mail (ascending pages are scanned up to
// limits::kShopperOrdersScanned; the last kShopperAccountOrders are kept), newest first.
Result<std::vector<orders::Order>> orders_of(Shop& shop, Tx& tx, const std::string& email) {
  std::deque<orders::Order> kept;
  orders::OrderFilter f;
  f.email = email;
  f.limit = 100;
  for (int scanned = 0; scanned < limits::kShopperOrdersScanned; scanned += f.limit) {
    auto page = FONDACO_TRY(shop.orders.list(tx, f));
    for (auto& o : page.items) {
      kept.push_back(std::move(o));
      if (kept.size() > static_cast<std::size_t>(limits::kShopperAccountOrders)) kept.pop_front();
    }
    if (!page.next_after) break;
    f.after_id = *page.next_after;
  }
  return std::vector<orders::Order>(kept.rbegin(), kept.rend());
}

Result<mu::data> order_rows(Shop& shop, Visit& v, Tx& tx, const std::string& email) {
  const auto orders = FONDACO_TRY(orders_of(shop, tx, email));
  mu::data rows{mu::data::type::list};
  for (const auto& o : orders) {
    mu::data x;
    x.set("number", o.number);
    x.set("url_number", url_encode(o.number));
    x.set("date", notifications::format_date(o.created_at, locale_of(v.lang)));
    x.set("status", shop.renderer.text(v.lang, "st_" + std::string(orders::to_string(o.status))));
    x.set("total", shop.renderer.money(v.lang, o.totals.total_minor, o.currency));
    x.set("tracking", FONDACO_TRY(order_tracking(tx, o.id)));
    rows.push_back(x);
  }
  return rows;
}

Response show_account(Shop& shop, Visit& v, std::int64_t customer_id) {
  auto body = shop.s.db.read([&](Tx& tx) -> Result<mu::data> {
    const auto c = FONDACO_TRY(customers::Customers::get(tx, customer_id));
    const auto rows = FONDACO_TRY(order_rows(shop, v, tx, c.email));
    mu::data cust;
    cust.set("email", c.email);
    cust.set("csrf", v.csrf());
    cust.set("orders", rows);
    cust.set("has_orders", !rows.is_empty_list());
    mu::data d;
    d.set("customer", cust);
    return d;
  });
  if (!body) return server_error(body.error());
  return render(shop, v, 200, account_meta(shop, v), Template::account, std::move(*body));
}

// "http://127.0.0.1:8080", "http://localhost", "http://[::1]:80": the machine itself.
bool loopback_origin(std::string_view origin) {
  for (std::string_view host : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (!origin.starts_with(host)) continue;
    const auto rest = origin.substr(host.size());
    if (rest.empty()) return true;
    if (rest[0] != ':' || rest.size() == 1) return false;
    return rest.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
  }
  return false;
}

std::string form_value(const FormFields& f, std::string_view name) {
  const auto it = f.find(name);
  return it == f.end() ? std::string() : it->second;
}

}  // namespace

Result<mu::data> order_tracking(storage::Tx& tx, std::int64_t order_id) {
  fulfillment::ShipmentFilter f;
  f.order_id = order_id;
  auto page = FONDACO_TRY(
      fulfillment::Fulfillment::list(tx, f, 0, static_cast<int>(limits::kShopperTrackedShipments)));
  mu::data list{mu::data::type::list};
  for (const auto& s : page.items) {
    if (!s.tracking_number) continue;
    mu::data t;
    t.set("number", *s.tracking_number);
    // Only a web link becomes an href (the carrier template is the seller's data).
    if (s.tracking_url &&
        (s.tracking_url->starts_with("https://") || s.tracking_url->starts_with("http://")))
      t.set("url", *s.tracking_url);
    list.push_back(t);
  }
  return list;
}

Result<mu::data> order_documents(Shop& shop, Visit& v, storage::Tx& tx, const orders::Order& o) {
  invoicing::ListFilter f;
  f.order_id = o.id;
  const auto page = FONDACO_TRY(
      invoicing::Invoicing::list(tx, f, 0, static_cast<int>(limits::kShopperOrderDocuments)));
  mu::data list{mu::data::type::list};
  for (const auto& d : page.items) {
    mu::data x;
    x.set("kind", shop.renderer.text(v.lang, "doc_" + std::string(invoicing::to_string(d.kind))));
    x.set("number", d.number);
    x.set("date", d.issue_date);
    x.set("href", lang_path(v, "/order/" + url_encode(o.number) + "/documents/" +
                                   std::to_string(d.id) + ".pdf"));
    list.push_back(x);
  }
  return list;
}

Response order_document(Shop& shop, Visit& v, const orders::Order& o, std::string_view file) {
  if (!file.ends_with(".pdf")) return not_found(shop, v);
  const auto id = parse_id(file.substr(0, file.size() - 4));
  if (!id) return not_found(shop, v);
  auto pdf = shop.s.db.read([&](Tx& tx) -> Result<std::optional<std::pair<std::string, std::string>>> {
    auto d = invoicing::Invoicing::get(tx, *id);
    // Another order's document reads as missing, like another shopper's order.
    if (!d) {
      if (d.error().code == ErrorCode::not_found) return std::nullopt;
      return std::unexpected(d.error());
    }
    if (d->order_id != o.id) return std::nullopt;
    auto bytes = FONDACO_TRY(invoicing::Invoicing::pdf(tx, *id));
    return std::optional(std::pair(std::move(bytes), d->number));
  });
  if (!pdf) return server_error(pdf.error());
  if (!*pdf) return not_found(shop, v);
  Response r;
  r.status = 200;
  r.set_header("Content-Type", "application/pdf");
  r.set_header("Content-Disposition", "inline; filename=\"" + (*pdf)->second + ".pdf\"");
  r.set_header("Cache-Control", "private, no-store");
  r.set_header("X-Content-Type-Options", "nosniff");
  r.body = std::move((*pdf)->first);
  return r;
}

Result<std::optional<std::int64_t>> customer_order(Shop& shop, storage::Tx& tx,
                                                   std::int64_t customer_id,
                                                   std::string_view number) {
  const auto c = FONDACO_TRY(customers::Customers::get(tx, customer_id));
  return order_of_email(shop, tx, number, c.email);
}

Response account_page(Shop& shop, Visit& v) {
  auto s = session(shop, v);
  if (!s) return server_error(s.error());
  if (*s && (*s)->customer_id) return show_account(shop, v, *(*s)->customer_id);
  return show_sign_in(shop, v, 200, "", "", "");
}

Response sign_in_post(Shop& shop, Visit& v, const FormFields& form) {
  const std::string email = form_value(form, "email");
  if (email.size() > limits::kMaxEmailChars || !notifications::is_valid_email_address(email))
    return show_sign_in(shop, v, 422, email.substr(0, limits::kMaxEmailChars), "invalid_email", "");
  // The link carries a sign-in token: it is built on the configured origin, or on the Host
  // header only when that names this machine. A Host header is the client's to forge, and
  // a link to the forger's site would hand them the victim's token.
  std::string origin = shop.options.base_url;
  if (origin.empty()) {
    if (!loopback_origin(v.base_url)) {
      spdlog::warn("storefront: sign-in links need the shop's address (serve --shop-url)");
      return html(503, "<!doctype html><title>Unavailable</title><p>Sign-in by e-mail is not "
                       "configured on this shop.");
    }
    origin = v.base_url;
  }
  const auto now = shop.s.clock.now_ms();
  const std::string locale(lang_code(v.lang));
  auto queued = shop.s.writes.write([&](Tx& tx) -> Result<void> {
    const auto c = FONDACO_TRY(shop.customers.find_or_create(tx, email, "", locale, now));
    const auto token =
        FONDACO_TRY(customers::Customers::issue_sign_in_token(tx, c.id, shop.s.random, now));
    notifications::EmailInput in;
    // One message per token: the hash prefix names it without revealing it.
    in.dedupe_key = "customer:" + std::to_string(c.id) +
                    ":sign-in:" + customers::secret_hash(token).substr(0, 32);
    in.locale = locale_of(v.lang);
    in.to = c.email;
    in.to_name = c.name;
    in.data =
        notifications::CustomerSignIn{origin + lang_path(v, "/account/sign-in?token=") + token,
                                      limits::kSignInLinkTtlMs / 60000};
    FONDACO_TRY(shop.notifications.enqueue(tx, in, now));
    return ok();
  });
  if (!queued) {
    // The customers module may hold a stricter rule than the outbox's syntax check.
    if (queued.error().code == ErrorCode::invalid_argument)
      return show_sign_in(shop, v, 422, email, "invalid_email", "");
    // Enough links are on their way already: the answer is the same, so the form still
    // tells nothing about the address, and no more mail is sent.
    if (queued.error().code != ErrorCode::rate_limited) return server_error(queued.error());
  }
  auto meta = account_meta(shop, v);
  mu::data d;
  d.set("link_sent", true);
  return render(shop, v, 200, meta, Template::account, std::move(d));
}

Response sign_in_redeem(Shop& shop, Visit& v) {
  const std::string token = v.query.contains("token") ? v.query.at("token") : "";
  if (token.size() != 64) return show_sign_in(shop, v, 400, "", "", "link_invalid");
  const auto now = shop.s.clock.now_ms();
  auto issued = shop.s.writes.write([&](Tx& tx) -> Result<customers::IssuedSession> {
    const auto c = FONDACO_TRY(customers::Customers::redeem_sign_in_token(tx, token, now));
    std::optional<std::int64_t> old;
    if (!v.new_cookie) {
      const auto s = FONDACO_TRY(customers::Customers::find_session(tx, v.secret, now));
      if (s) old = s->id;
    }
    return customers::Customers::sign_in(tx, old, c.id, shop.s.random, now);
  });
  if (!issued) {
    if (issued.error().code == ErrorCode::unauthorized)
      return show_sign_in(shop, v, 400, "", "", "link_invalid");
    return server_error(issued.error());
  }
  // The pre-login id is never kept: the response sets the new session's secret.
  v.secret = issued->secret;
  v.new_cookie = true;
  return redirect(lang_path(v, "/account"));
}

Response sign_out_post(Shop& shop, Visit& v) {
  const auto now = shop.s.clock.now_ms();
  auto done = shop.s.writes.write([&](Tx& tx) -> Result<void> {
    auto s = FONDACO_TRY(customers::Customers::find_session(tx, v.secret, now));
    if (s) FONDACO_TRY(customers::Customers::end_session(tx, s->id));
    return ok();
  });
  if (!done) return server_error(done.error());
  // A fresh id for whatever the browser does next: the ended one is never reused.
  v.secret = customers::new_secret(shop.s.random);
  v.new_cookie = true;
  return redirect(lang_path(v, "/account"));
}

}  // namespace fondaco::storefront
