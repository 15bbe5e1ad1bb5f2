// Checkout (addresses, shipping, payment, then workflows::place_order with the session's
// cart), the order page and the guest order lookup.
#include <algorithm>
#include <cctype>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/workflows/carts.h"
#include "shop.h"

namespace fondaco::storefront {
namespace {

using api::Response;
using storage::Tx;

constexpr std::string_view kTestCardOk = "4242424242424242";
constexpr std::string_view kTestCardDeclined = "4000000000000002";

struct Field {
  const char* name;
  const char* label;  // text key
  const char* type;
  const char* autocomplete;
  bool required;
};

constexpr Field kContact[] = {
    {"email", "email", "email", "email", true},
    {"name", "full_name", "text", "name", true},
    {"phone", "phone", "tel", "tel", false},
};
constexpr Field kAddress[] = {
    {"line1", "address_line1", "text", "address-line1", true},
    {"line2", "address_line2", "text", "address-line2", false},
    {"city", "city", "text", "address-level2", true},
    {"postal_code", "postal_code", "text", "postal-code", true},
    {"province", "province", "text", "address-level1", false},
    {"country", "country", "text", "country", true},
};

struct CheckoutForm {
  FormFields values;
  std::map<std::string, std::string, std::less<>> errors;  // field → text key
  std::string form_token;
};

std::string lang_path(const Visit& v, std::string_view rest) {
  return "/" + std::string(lang_code(v.lang)) + std::string(rest);
}

std::string value_of(const FormFields& f, std::string_view name) {
  auto it = f.find(name);
  return it == f.end() ? std::string() : it->second;
}

bool is_token(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string digits_of(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

// Field checks; errors are text keys shown next to the field.
CheckoutForm validate(const FormFields& in, const StorefrontOptions& o) {
  CheckoutForm f;
  auto check = [&](const Field& fd) {
    std::string v = value_of(in, fd.name);
    while (!v.empty() && v.back() == ' ') v.pop_back();
    while (!v.empty() && v.front() == ' ') v.erase(v.begin());
    if (std::string_view(fd.name) == "country")
      for (auto& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    f.values[fd.name] = v;
    if (v.empty() && fd.required)
      f.errors[fd.name] = "required";
    else if (v.size() > limits::kCheckoutFieldChars)
      f.errors[fd.name] = "too_long";
  };
  for (const auto& fd : kContact) check(fd);
  for (const auto& fd : kAddress) check(fd);
  if (!f.errors.contains("email") && !orders::is_valid_email(f.values["email"]))
    f.errors["email"] = "invalid_email";
  const std::string& country = f.values["country"];
  if (!f.errors.contains("country") &&
      (country.size() != 2 || !std::all_of(country.begin(), country.end(), ::isupper)))
    f.errors["country"] = "invalid_country";
  const std::string& cap = f.values["postal_code"];
  if (!f.errors.contains("postal_code") && country == "IT" &&
      (cap.size() != 5 || digits_of(cap) != cap))
    f.errors["postal_code"] = "invalid_postal_code";
  const std::string ship = value_of(in, "shipping");
  f.values["shipping"] = ship;
  if (std::none_of(o.shipping.begin(), o.shipping.end(),
                   [&](const ShippingOption& s) { return s.code == ship; }))
    f.errors["shipping"] = "choose_one";
  const std::string pay = value_of(in, "payment");
  f.values["payment"] = pay;
  if (pay != "bank_transfer" && pay != "cod" && !(pay == "card" && o.card_test_mode))
    f.errors["payment"] = "choose_one";
  if (pay == "card" && o.card_test_mode) {
    const std::string card = digits_of(value_of(in, "card_number"));
    f.values["card_number"] = value_of(in, "card_number").substr(0, 40);
    if (card == kTestCardDeclined)
      f.errors["card_number"] = "card_declined";
    else if (card != kTestCardOk)
      f.errors["card_number"] = "card_unknown";
  }
  f.form_token = value_of(in, "form_token");
  return f;
}

mu::data field_list(Shop& shop, Lang lang, std::span<const Field> fields, const CheckoutForm& f) {
  mu::data list{mu::data::type::list};
  for (const auto& fd : fields) {
    mu::data x;
    x.set("name", fd.name);
    x.set("label", shop.renderer.text(lang, fd.label));
    x.set("type", fd.type);
    x.set("autocomplete", fd.autocomplete);
    x.set("value", value_of(f.values, fd.name));
    if (auto e = f.errors.find(fd.name); e != f.errors.end())
      x.set("error", shop.renderer.text(lang, e->second));
    list.push_back(x);
  }
  return list;
}

Response show_checkout(Shop& shop, Visit& v, int status, const CheckoutForm& f) {
  auto meta = page_meta(shop, v, shop.renderer.text(v.lang, "checkout"));
  meta.canonical = false;
  meta.noindex = true;
  mu::data d;
  d.set("csrf", v.csrf());
  d.set("form_token", f.form_token);
  d.set("contact_fields", field_list(shop, v.lang, kContact, f));
  d.set("address_fields", field_list(shop, v.lang, kAddress, f));
  const std::string ship = value_of(f.values, "shipping");
  mu::data ships{mu::data::type::list};
  for (const auto& s : shop.options.shipping) {
    mu::data x;
    x.set("code", s.code);
    x.set("label", v.lang == Lang::it ? s.name_it : s.name_en);
    x.set("price", shop.renderer.money(v.lang, s.price_minor, "EUR"));
    x.set("checked", s.code == ship || (ship.empty() && &s == &shop.options.shipping.front()));
    ships.push_back(x);
  }
  d.set("shipping", ships);
  const std::string pay = value_of(f.values, "payment");
  mu::data pays{mu::data::type::list};
  for (const char* code : {"bank_transfer", "cod", "card"}) {
    if (std::string_view(code) == "card" && !shop.options.card_test_mode) continue;
    mu::data x;
    x.set("code", code);
    x.set("label", shop.renderer.text(v.lang, std::string("pay_") + code));
    x.set("checked", pay == code || (pay.empty() && std::string_view(code) == "bank_transfer"));
    pays.push_back(x);
  }
  d.set("payments", pays);
  d.set("card_test_mode", shop.options.card_test_mode);
  d.set("card_number", value_of(f.values, "card_number"));
  for (const char* k : {"shipping", "payment", "card_number"})
    if (auto e = f.errors.find(k); e != f.errors.end())
      d.set(std::string(k == std::string_view("card_number") ? "card" : k) + "_error",
            shop.renderer.text(v.lang, e->second));
  return render(shop, v, status, meta, Template::checkout, std::move(d));
}

// The session's open cart, if any.
Result<std::optional<orders::Cart>> open_cart_of(Shop& shop, Visit& v) {
  auto s = FONDACO_TRY(session(shop, v));
  if (!s || !s->cart_id) return std::optional<orders::Cart>{};
  return shop.s.db.read([&](Tx& tx) -> Result<std::optional<orders::Cart>> {
    auto c = shop.orders.cart(tx, *s->cart_id, shop.s.clock.now_ms());
    if (!c || !orders::check_open(*c, "cart_id")) return std::optional<orders::Cart>{};
    return std::optional<orders::Cart>(std::move(*c));
  });
}

}  // namespace

Response checkout_page(Shop& shop, Visit& v) {
  auto cart = open_cart_of(shop, v);
  if (!cart) return server_error(cart.error());
  if (!*cart) return redirect(lang_path(v, "/cart"));
  CheckoutForm f;
  f.form_token = customers::new_secret(shop.s.random);
  return show_checkout(shop, v, 200, f);
}

namespace {

orders::OrderInput order_input(Shop& shop, Visit& v, const CheckoutForm& f) {
  orders::OrderInput in;
  in.channel = shop.options.channel;
  in.external_ref = "checkout:" + f.form_token;  // a repeated submit finds this order
  in.customer.email = value_of(f.values, "email");
  in.customer.name = value_of(f.values, "name");
  if (auto phone = value_of(f.values, "phone"); !phone.empty()) in.customer.phone = phone;
  orders::Address a;
  a.name = in.customer.name;
  a.line1 = value_of(f.values, "line1");
  a.line2 = value_of(f.values, "line2");
  a.city = value_of(f.values, "city");
  a.postal_code = value_of(f.values, "postal_code");
  a.province = value_of(f.values, "province");
  a.country = value_of(f.values, "country");
  in.shipping_address = a;
  in.billing_address = a;
  const std::string ship = value_of(f.values, "shipping");
  for (const auto& s : shop.options.shipping)
    if (s.code == ship) {
      in.shipping_method = s.code;
      in.shipping_minor = s.price_minor;
    }
  const std::string pay = value_of(f.values, "payment");
  in.payment_method = pay == "card"  ? orders::PaymentMethod::card
                      : pay == "cod" ? orders::PaymentMethod::cod
                                     : orders::PaymentMethod::bank_transfer;
  in.locale = std::string(lang_code(v.lang));
  return in;
}

// Card test mode: the payment the order expects is captured here, in the order's
// transaction, through the same payments call a gateway webhook ends in.
Result<void> capture_test_card(Shop& shop, Tx& tx, const orders::Order& o,
                               const std::string& form_token, std::int64_t now) {
  payments::PaymentFilter f;
  f.order_id = o.id;
  auto page = FONDACO_TRY(payments::Payments::list(tx, f, 0, 10));
  for (const auto& p : page.items)
    if (p.method == payments::Method::card && p.status == "pending")
      FONDACO_TRY(shop.payments.capture(
          tx, p.id,
          payments::Capture{"test_" + form_token.substr(0, 24), p.amount_minor, p.currency}, now));
  return ok();
}

Result<orders::Order> place(Shop& shop, Visit& v, const CheckoutForm& f) {
  const auto now = shop.s.clock.now_ms();
  const auto os = shop.order_services();
  return shop.s.writes.write([&](Tx& tx) -> Result<orders::Order> {
    auto s = FONDACO_TRY(customers::Customers::find_session(tx, v.secret, now));
    if (!s) return fail(ErrorCode::cart_expired, "no session", "cart_id");
    const auto ref = "checkout:" + f.form_token;
    if (auto done = FONDACO_TRY(shop.orders.find_by_external_ref(tx, shop.options.channel, ref))) {
      FONDACO_TRY(customers::Customers::remember_order(tx, s->id, done->id, done->number, now));
      return *done;  // the same form submitted twice: one order
    }
    if (!s->cart_id) return fail(ErrorCode::cart_expired, "no cart", "cart_id");
    workflows::PlaceOrderInput in;
    in.order = order_input(shop, v, f);
    in.cart_id = s->cart_id;
    auto placed = FONDACO_TRY(workflows::place_order(tx, os, in, now));
    if (placed.order.payment_method == orders::PaymentMethod::card)
      FONDACO_TRY(capture_test_card(shop, tx, placed.order, f.form_token, now));
    FONDACO_TRY(
        customers::Customers::remember_order(tx, s->id, placed.order.id, placed.order.number, now));
    FONDACO_TRY(customers::Customers::set_cart(tx, s->id, std::nullopt));
    return placed.order;
  });
}

}  // namespace

Response checkout_post(Shop& shop, Visit& v, const FormFields& form) {
  CheckoutForm f = validate(form, shop.options);
  if (!is_token(f.form_token)) f.form_token = customers::new_secret(shop.s.random);
  if (!f.errors.empty()) return show_checkout(shop, v, 422, f);
  auto order = place(shop, v, f);
  if (!order) {
    const auto code = order.error().code;
    if (code == ErrorCode::insufficient_stock) return redirect(lang_path(v, "/cart?m=short_stock"));
    if (code == ErrorCode::cart_expired || code == ErrorCode::cart_converted)
      return redirect(lang_path(v, "/cart?m=cart_gone"));
    if (code == ErrorCode::invalid_argument || code == ErrorCode::unprocessable) {
      // A rule of the order model the form checks did not catch: shown beside its field.
      const std::string& field = order.error().field;
      const auto dot = field.rfind('.');
      std::string name = dot == std::string::npos ? field : field.substr(dot + 1);
      if (name == "phone" || name == "email" || name == "name" || name == "line1" ||
          name == "line2" || name == "city" || name == "postal_code" || name == "province" ||
          name == "country")
        f.errors[name] = "invalid_value";
      else
        f.errors["payment"] = "invalid_value";
      return show_checkout(shop, v, 422, f);
    }
    return server_error(order.error());
  }
  return redirect(lang_path(v, "/order/" + url_encode(order->number) + "?placed=1"));
}

namespace {

// The order with this number if this visitor may see it: the session placed or looked it
// up, or the signed-in customer's e-mail is the order's. Anything else reads as missing.
Result<std::optional<orders::Order>> visible_order(Shop& shop, Visit& v, std::string_view number) {
  auto s = FONDACO_TRY(session(shop, v));
  if (!s || number.empty() || number.size() > 40) return std::optional<orders::Order>{};
  return shop.s.db.read([&](Tx& tx) -> Result<std::optional<orders::Order>> {
    auto id = FONDACO_TRY(customers::Customers::remembered_order(tx, s->id, number));
    if (!id && s->customer_id) id = FONDACO_TRY(customer_order(shop, tx, *s->customer_id, number));
    if (!id) return std::optional<orders::Order>{};
    auto o = FONDACO_TRY(shop.orders.get(tx, *id));
    return std::optional<orders::Order>(std::move(o));
  });
}

mu::data order_data(Shop& shop, Visit& v, const orders::Order& o) {
  mu::data d;
  d.set("number", o.number);
  d.set("status", shop.renderer.text(v.lang, "st_" + std::string(orders::to_string(o.status))));
  d.set("status_code", std::string(orders::to_string(o.status)));
  const auto method = o.payment_method;
  const bool shop_method = method == orders::PaymentMethod::bank_transfer ||
                           method == orders::PaymentMethod::cod ||
                           method == orders::PaymentMethod::card;
  d.set("payment_method",
        shop_method ? shop.renderer.text(v.lang, "pay_" + std::string(orders::to_string(method)))
                    : std::string(orders::to_string(method)));
  d.set("payment_status",
        shop.renderer.text(v.lang, "ps_" + std::string(orders::to_string(o.payment_status))));
  d.set("total", shop.renderer.money(v.lang, o.totals.total_minor, o.currency));
  d.set("just_placed", v.query.contains("placed"));
  mu::data lines{mu::data::type::list};
  for (const auto& l : o.lines) {
    mu::data x;
    x.set("sku", l.sku);
    x.set("qty", std::to_string(l.qty));
    x.set("amount", shop.renderer.money(v.lang, l.amount_minor, o.currency));
    lines.push_back(x);
  }
  d.set("lines", lines);
  if (o.shipping_address) {
    mu::data a;
    a.set("name", o.shipping_address->name);
    a.set("line1", o.shipping_address->line1);
    a.set("city", o.shipping_address->city);
    a.set("postal_code", o.shipping_address->postal_code);
    a.set("province", o.shipping_address->province);
    a.set("country", o.shipping_address->country);
    d.set("address", a);
  }
  return d;
}

}  // namespace

// "/order/<number>" is the page; "/order/<number>/documents/<id>.pdf" one of its documents,
// under the same rule of who may see the order.
Response order_page(Shop& shop, Visit& v, std::string_view path) {
  constexpr std::string_view kDocs = "/documents/";
  const auto docs_at = path.find(kDocs);
  const std::string_view number = path.substr(0, docs_at);
  auto o = visible_order(shop, v, number);
  if (!o) return server_error(o.error());
  if (!*o) return not_found(shop, v);
  if (docs_at != std::string_view::npos)
    return order_document(shop, v, **o, path.substr(docs_at + kDocs.size()));
  auto meta = page_meta(shop, v, shop.renderer.text(v.lang, "order") + " " + (*o)->number);
  meta.canonical = false;
  meta.noindex = true;
  mu::data d = order_data(shop, v, **o);
  auto extras = shop.s.db.read([&](Tx& tx) -> Result<std::pair<mu::data, mu::data>> {
    auto tracking = FONDACO_TRY(order_tracking(tx, (*o)->id));
    auto documents = FONDACO_TRY(order_documents(shop, v, tx, **o));
    return std::pair(std::move(tracking), std::move(documents));
  });
  if (!extras) return server_error(extras.error());
  d.set("has_tracking", !extras->first.is_empty_list());
  d.set("tracking", extras->first);
  d.set("has_documents", !extras->second.is_empty_list());
  d.set("documents", extras->second);
  if ((*o)->payment_method == orders::PaymentMethod::bank_transfer &&
      (*o)->payment_status == orders::PaymentStatus::unpaid) {
    auto settings = shop.s.db.read([](Tx& tx) { return payments::Payments::settings(tx); });
    if (!settings) return server_error(settings.error());
    mu::data bank;
    bank.set("iban", settings->bank_iban.empty() ? std::string("—") : settings->bank_iban);
    bank.set("holder", settings->bank_holder);
    d.set("bank", bank);
    d.set("iban", settings->bank_iban.empty() ? std::string("—") : settings->bank_iban);
    d.set("holder", settings->bank_holder);
  }
  return render(shop, v, 200, meta, Template::order, std::move(d));
}

namespace {

Response show_lookup(Shop& shop, Visit& v, int status, const std::string& number,
                     const std::string& email, std::string_view error_key) {
  auto meta = page_meta(shop, v, shop.renderer.text(v.lang, "find_order"));
  meta.noindex = true;
  if (!error_key.empty()) meta.error = shop.renderer.text(v.lang, error_key);
  mu::data d;
  d.set("csrf", v.csrf());
  d.set("number", number);
  d.set("email", email);
  return render(shop, v, status, meta, Template::lookup, std::move(d));
}

}  // namespace

Result<std::optional<std::int64_t>> order_of_email(Shop& shop, Tx& tx, std::string_view number,
                                                   std::string_view email) {
  orders::OrderFilter f;
  f.email = std::string(email);
  f.limit = 100;
  for (int scanned = 0; scanned < limits::kShopperOrdersScanned; scanned += f.limit) {
    auto page = FONDACO_TRY(shop.orders.list(tx, f));
    for (const auto& o : page.items)
      if (o.number == number) return std::optional<std::int64_t>(o.id);
    if (!page.next_after) break;
    f.after_id = *page.next_after;
  }
  return std::optional<std::int64_t>{};
}

Response lookup_page(Shop& shop, Visit& v) { return show_lookup(shop, v, 200, "", "", ""); }

Response lookup_post(Shop& shop, Visit& v, const FormFields& form) {
  const std::string number = value_of(form, "number").substr(0, 40);
  const std::string email = value_of(form, "email").substr(0, 254);
  const auto now = shop.s.clock.now_ms();
  // Guessing the e-mail of a known number (or numbers for an e-mail) is bounded per number
  // and per client address; a blocked form answers 429 without looking.
  const std::string& client = v.req.remote_address;
  if (shop.lookups_by_number.blocked(number, now) || shop.lookups_by_client.blocked(client, now)) {
    auto r = show_lookup(shop, v, 429, number, email, "lookup_throttled");
    r.set_header("Retry-After", std::to_string(limits::kLookupWindowMs / 1000));
    return r;
  }
  auto failed = [&] {
    shop.lookups_by_number.failed(number, now);
    shop.lookups_by_client.failed(client, now);
    return show_lookup(shop, v, 404, number, email, "lookup_failed");
  };
  if (number.empty() || !orders::is_valid_email(email)) return failed();
  auto found = shop.s.writes.write([&](Tx& tx) -> Result<bool> {
    auto id = FONDACO_TRY(order_of_email(shop, tx, number, email));
    if (!id) return false;
    auto s = FONDACO_TRY(server_session(shop, tx, v, now));
    FONDACO_TRY(customers::Customers::remember_order(tx, s.id, *id, number, now));
    return true;
  });
  if (!found) return server_error(found.error());
  if (!*found) return failed();
  return redirect(lang_path(v, "/order/" + url_encode(number)));
}

}  // namespace fondaco::storefront
