#include "fondaco/orders/orders.h"

#include <gtest/gtest.h>

#include "fondaco/testing/testing.h"

namespace fondaco::orders {
namespace {

LineInput line(std::string sku, std::int64_t qty, std::int64_t unit, int rate = 2200,
               std::int64_t discount = 0) {
  return LineInput{std::move(sku), qty, unit, discount, rate};
}

OrderInput order(std::string channel = "storefront", std::string prefix = "WEB") {
  OrderInput in;
  in.channel = std::move(channel);
  in.order_prefix = std::move(prefix);
  in.customer = Customer{"Anna.Rossi@Example.it", "Anna Rossi", "+39 055 123456", std::nullopt};
  in.shipping_address = Address{"Anna Rossi", "Via Roma 1", "", "Firenze", "50123", "FI", "IT"};
  in.lines = {line("A-1", 2, 1000)};
  in.shipping_method = "courier";
  in.shipping_minor = 500;
  return in;
}

// ---- pure functions ----

TEST(OrderTotals, VatInclusiveIsRoundedOncePerRate) {
  // Three lines at 22 % of 1.00 each: per-line scorporo would give 0.18 × 3 = 0.54;
  // once per rate on 3.00 gives 3.00 − round(300 / 1.22 = 245.90) = 54 as well, but on
  // 7 × 0.10 the difference shows: per line 0.02 × 7 = 14, per rate 70 − 57 = 13.
  std::vector<LineInput> lines;
  for (int i = 0; i < 7; ++i) lines.push_back(line("S" + std::to_string(i), 1, 10));
  auto t = compute_totals(lines, 0, 2200, true).value();
  ASSERT_EQ(t.vat.size(), 1u);
  EXPECT_EQ(t.vat[0].taxable_minor, 57);  // 70 / 1.22 = 57.38
  EXPECT_EQ(t.vat[0].vat_minor, 13);
  EXPECT_EQ(t.total_minor, 70);
}

TEST(OrderTotals, VatInclusiveWithShippingAndSeveralRates) {
  const std::vector<LineInput> lines = {line("A", 2, 1220), line("B", 1, 1040, 400),
                                        line("C", 1, 1000, 2200, 100)};
  auto t = compute_totals(lines, 610, 2200, true).value();
  // 22 %: 2440 + 900 + 610 = 3950 → taxable round(3950/1.22 = 3237.70) = 3238, VAT 712
  // 4 %: 1040 → taxable 1000, VAT 40
  ASSERT_EQ(t.vat.size(), 2u);
  EXPECT_EQ(t.vat[0].rate_bp, 400);
  EXPECT_EQ(t.vat[0].taxable_minor, 1000);
  EXPECT_EQ(t.vat[0].vat_minor, 40);
  EXPECT_EQ(t.vat[1].taxable_minor, 3238);
  EXPECT_EQ(t.vat[1].vat_minor, 712);
  EXPECT_EQ(t.lines_minor, 4380);
  EXPECT_EQ(t.discount_minor, 100);
  EXPECT_EQ(t.vat_minor, 752);
  EXPECT_EQ(t.total_minor, 4990);
}

TEST(OrderTotals, VatExclusiveAddsVatPerRate) {
  const std::vector<LineInput> lines = {line("A", 3, 333), line("B", 1, 1, 2200)};
  auto t = compute_totals(lines, 100, 1000, false).value();
  // 22 %: 999 + 1 = 1000 → 220 (per line would be 219.78→220 + 0.22→0 = 220; fine);
  // 10 %: 100 → 10
  ASSERT_EQ(t.vat.size(), 2u);
  EXPECT_EQ(t.vat[0].rate_bp, 1000);
  EXPECT_EQ(t.vat[0].vat_minor, 10);
  EXPECT_EQ(t.vat[1].vat_minor, 220);
  EXPECT_EQ(t.total_minor, 1100 + 230);
  // Half-up at exactly .5: 25 × 22 % = 5.5 → 6
  EXPECT_EQ(compute_totals(std::vector{line("X", 1, 25)}, 0, 0, false)->vat_minor, 6);
}

TEST(OrderTotals, DiscountAndOverflowAreRejectedNamingTheField) {
  auto bad = compute_totals(std::vector{line("A", 1, 100), line("B", 2, 100, 2200, 201)}, 0,
                            2200, true);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "lines[1].discount_minor");
  auto huge = compute_totals(std::vector{line("A", 1'000'000, 10'000'000'000'000)}, 0, 2200, true);
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().field, "lines[0].unit_price_minor");
}

TEST(OrderStateMachine, AllowedAndForbiddenTransitions) {
  EXPECT_TRUE(can_transition(Status::pending_payment, Status::confirmed));
  EXPECT_TRUE(can_transition(Status::pending_payment, Status::paid));  // bank transfer arrives
  EXPECT_TRUE(can_transition(Status::paid, Status::on_hold));
  EXPECT_TRUE(can_transition(Status::on_hold, Status::paid));
  EXPECT_TRUE(can_transition(Status::on_hold, Status::cancelled));
  EXPECT_TRUE(can_transition(Status::delivered, Status::completed));
  EXPECT_FALSE(can_transition(Status::pending_payment, Status::shipped));
  EXPECT_FALSE(can_transition(Status::shipped, Status::cancelled));
  EXPECT_FALSE(can_transition(Status::fulfilling, Status::cancelled));
  EXPECT_FALSE(can_transition(Status::shipped, Status::on_hold));
  EXPECT_FALSE(can_transition(Status::cancelled, Status::pending_payment));
  EXPECT_FALSE(can_transition(Status::completed, Status::delivered));
  for (std::string_view s : {"pending_payment", "partially_shipped", "cancelled"})
    EXPECT_EQ(to_string(*parse_status(s)), s);
  EXPECT_FALSE(parse_status("lost"));
}

TEST(OrderValidation, EditableStatesAndEmails) {
  for (Status s : {Status::pending_payment, Status::confirmed, Status::paid, Status::on_hold})
    EXPECT_TRUE(is_editable(s)) << to_string(s);
  for (Status s : {Status::fulfilling, Status::partially_shipped, Status::shipped,
                   Status::delivered, Status::completed, Status::cancelled})
    EXPECT_FALSE(is_editable(s)) << to_string(s);
  EXPECT_TRUE(is_valid_email("a@b.it"));
  EXPECT_FALSE(is_valid_email("a@b"));
  EXPECT_FALSE(is_valid_email("a b@c.it"));
  EXPECT_FALSE(is_valid_email("@c.it"));
  EXPECT_FALSE(is_valid_email("a@@c.it"));
}

// ---- against both engines ----

class OrdersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  Result<Created> create(const OrderInput& in) {
    return db_->write([&](storage::Tx& tx) { return orders_.create(tx, in, clock_.now_ms()); });
  }
  Result<Order> transition(std::int64_t id, Status to, std::string note = "") {
    return db_->write(
        [&](storage::Tx& tx) { return orders_.transition(tx, id, to, note, clock_.now_ms()); });
  }
  std::vector<std::string> event_types() {
    auto events = db_->read([](storage::Tx& tx) {
                     return events::EventLog::read_after(tx, 0, 1000);
                   }).value();
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type);
    return out;
  }
  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Orders orders_{log_};
  testing::FakeClock clock_;
};

TEST_P(OrdersTest, CreateStoresEverythingAndReadsItBack) {
  OrderInput in = order();
  in.customer.company = Company{"Rossi srl", "IT01234567890", std::nullopt, "ABC1234", std::nullopt};
  in.billing_address = Address{"Rossi srl", "Via Po 2", "int. 3", "Torino", "10121", "TO", "IT"};
  in.notes = "citofono Rossi";
  auto c = create(in);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->created);
  const Order& o = c->order;
  EXPECT_EQ(o.number, "WEB-000001");
  EXPECT_EQ(o.status, Status::pending_payment);
  EXPECT_EQ(o.payment_status, PaymentStatus::unpaid);
  EXPECT_EQ(o.customer, in.customer);
  EXPECT_EQ(o.billing_address, in.billing_address);
  EXPECT_EQ(o.shipping_address, in.shipping_address);
  ASSERT_EQ(o.lines.size(), 1u);
  EXPECT_EQ(o.lines[0].amount_minor, 2000);
  EXPECT_EQ(o.totals.total_minor, 2500);
  EXPECT_EQ(o.totals.vat_minor, 2500 - 2049);  // 2500 / 1.22 = 2049.18
  EXPECT_FALSE(o.totals_mismatch);
  auto again = db_->read([&](storage::Tx& tx) { return orders_.get(tx, o.id); });
  ASSERT_TRUE(again);
  EXPECT_EQ(again->notes, "citofono Rossi");
  EXPECT_EQ(event_types(), std::vector<std::string>{"order.created"});
  auto missing = db_->read([&](storage::Tx& tx) { return orders_.get(tx, 999); });
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_P(OrdersTest, BadInputNamesTheFieldAndWritesNothing) {
  std::vector<std::pair<OrderInput, std::string>> cases;
  auto with = [&](auto change, std::string field) {
    OrderInput in = order();
    change(in);
    cases.emplace_back(std::move(in), std::move(field));
  };
  with([](OrderInput& in) { in.customer.email = "nope"; }, "customer.email");
  with([](OrderInput& in) { in.channel = "Web Shop"; }, "channel");
  with([](OrderInput& in) { in.order_prefix = ""; }, "channel");
  with([](OrderInput& in) { in.order_prefix = "web"; }, "channel");
  with([](OrderInput& in) { in.shipping_address->country = "Italy"; }, "shipping_address.country");
  with([](OrderInput& in) { in.lines.push_back(line("B", 0, 1)); }, "lines[1].qty");
  with([](OrderInput& in) { in.lines[0].unit_price_minor.reset(); }, "lines[0].unit_price_minor");
  with([](OrderInput& in) { in.lines[0].vat_rate_bp = 10001; }, "lines[0].vat_rate_bp");
  with([](OrderInput& in) { in.lines.clear(); }, "lines");
  with([](OrderInput& in) { in.currency = "XYZ"; }, "currency");
  with([](OrderInput& in) { in.lines[0].discount_minor = 2001; }, "lines[0].discount_minor");
  for (const auto& [in, field] : cases) {
    auto r = create(in);
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(r.error().field, field);
  }
  EXPECT_TRUE(event_types().empty());
  // The failed attempts consumed no numbers.
  EXPECT_EQ(create(order())->order.number, "WEB-000001");
}

TEST_P(OrdersTest, NumbersAreGapFreePerChannel) {
  EXPECT_EQ(create(order())->order.number, "WEB-000001");
  EXPECT_EQ(create(order("pos", "POS"))->order.number, "POS-000001");
  // A transaction that rolls back after creating an order leaves no gap.
  auto rolled = db_->write([&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(orders_.create(tx, order(), clock_.now_ms()));
    return fail(ErrorCode::conflict, "abort");
  });
  ASSERT_FALSE(rolled);
  EXPECT_EQ(create(order())->order.number, "WEB-000002");
  EXPECT_EQ(create(order("b2b", "B2B"))->order.number, "B2B-000001");
  EXPECT_EQ(create(order())->order.number, "WEB-000003");
}

TEST_P(OrdersTest, ExternalRefDeduplicatesPerChannel) {
  OrderInput in = order("shopify", "SHP");
  in.external_ref = "5012345";
  in.channel_total_minor = 2600;  // the channel computed differently
  auto first = create(in);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->order.totals_mismatch);
  EXPECT_EQ(first->order.channel_total_minor, 2600);
  in.lines[0].qty = 5;  // a replay never creates or changes anything
  auto second = create(in);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->order.id, first->order.id);
  EXPECT_EQ(second->order.lines[0].qty, 2);
  OrderInput other = order("amazon", "AMZ");
  other.external_ref = "5012345";
  auto third = create(other);
  EXPECT_TRUE(third->created);
  EXPECT_EQ(third->order.number, "AMZ-000001");
  OrderInput agreeing = order("shopify", "SHP");
  agreeing.external_ref = "5012346";
  agreeing.channel_total_minor = 2500;
  EXPECT_FALSE(create(agreeing)->order.totals_mismatch);
  EXPECT_EQ(event_types().size(), 3u);
}

TEST_P(OrdersTest, PaymentMethodLocaleAndPaymentStatusAreKept) {
  OrderInput in = order();
  in.payment_method = PaymentMethod::cod;
  in.locale = "en";
  in.invoice_requested = true;
  const auto id = create(in)->order.id;
  auto got = db_->read([&](storage::Tx& tx) { return orders_.get(tx, id); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->payment_method, PaymentMethod::cod);
  EXPECT_EQ(got->locale, "en");
  EXPECT_TRUE(got->invoice_requested);
  in.locale = "fr";
  EXPECT_EQ(create(in).error().field, "locale");
  // A COD order shipped unpaid becomes paid without a status change.
  ASSERT_TRUE(transition(id, Status::confirmed));
  auto paid = db_->write([&](storage::Tx& tx) {
    return orders_.set_payment_status(tx, id, PaymentStatus::paid, "COD remittance", 5);
  });
  ASSERT_TRUE(paid) << paid.error().message;
  EXPECT_EQ(paid->status, Status::confirmed);
  EXPECT_EQ(paid->payment_status, PaymentStatus::paid);
  EXPECT_EQ(event_types().back(), "order.payment_status_changed");
  const auto events_before = event_types().size();
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
    return orders_.set_payment_status(tx, id, PaymentStatus::paid, "again", 6);
  }));
  EXPECT_EQ(event_types().size(), events_before);  // unchanged: nothing written
  auto h = db_->read([&](storage::Tx& tx) { return orders_.history(tx, id); }).value();
  EXPECT_EQ(h.back().note, "payment paid: COD remittance");
}

TEST_P(OrdersTest, TransitionsFollowTheStateMachineAndKeepATimeline) {
  const auto id = create(order())->order.id;
  ASSERT_TRUE(transition(id, Status::confirmed, "phone check ok"));
  auto bad = transition(id, Status::shipped);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_transition);
  EXPECT_EQ(bad.error().field, "status");
  auto paid = transition(id, Status::paid);
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->payment_status, PaymentStatus::paid);
  ASSERT_TRUE(transition(id, Status::on_hold, "address check"));
  ASSERT_TRUE(transition(id, Status::paid));
  ASSERT_TRUE(transition(id, Status::fulfilling));
  ASSERT_TRUE(transition(id, Status::partially_shipped));
  EXPECT_EQ(transition(id, Status::cancelled).error().code, ErrorCode::invalid_transition);
  auto shipped = transition(id, Status::shipped);
  EXPECT_EQ(shipped->fulfillment_status, FulfillmentStatus::fulfilled);
  ASSERT_TRUE(transition(id, Status::delivered));
  ASSERT_TRUE(transition(id, Status::completed));
  auto h = db_->read([&](storage::Tx& tx) { return orders_.history(tx, id); }).value();
  ASSERT_EQ(h.size(), 10u);
  EXPECT_FALSE(h[0].from);
  EXPECT_EQ(h[0].to, Status::pending_payment);
  EXPECT_EQ(h[1].note, "phone check ok");
  EXPECT_EQ(h[3].from, Status::paid);
  EXPECT_EQ(h[3].to, Status::on_hold);
  EXPECT_EQ(h[9].to, Status::completed);
  const auto types = event_types();
  EXPECT_EQ(types.size(), 10u);
  EXPECT_EQ(types.back(), "order.status_changed");
  const auto other = create(order())->order.id;
  ASSERT_TRUE(transition(other, Status::cancelled, "customer asked"));
  EXPECT_EQ(event_types().back(), "order.cancelled");
  EXPECT_FALSE(transition(other, Status::confirmed));
}

TEST_P(OrdersTest, ListFiltersAndPaginates) {
  OrderInput a = order();
  a.lines = {line("SKU-A", 1, 100)};
  OrderInput b = order("pos", "POS");
  b.customer.email = "luca@example.com";
  b.lines = {line("SKU-B", 1, 100), line("SKU-A", 1, 100)};
  const auto id1 = create(a)->order.id;
  clock_.advance_ms(1000);
  const auto id2 = create(b)->order.id;
  clock_.advance_ms(1000);
  const auto id3 = create(a)->order.id;
  ASSERT_TRUE(transition(id3, Status::confirmed));
  auto list = [&](OrderFilter f) {
    auto page = db_->read([&](storage::Tx& tx) { return orders_.list(tx, f); }).value();
    std::vector<std::int64_t> ids;
    for (const auto& o : page.items) ids.push_back(o.id);
    return ids;
  };
  using V = std::vector<std::int64_t>;
  auto with = [](auto set) {
    OrderFilter f;
    set(f);
    return f;
  };
  EXPECT_EQ(list({}), (V{id1, id2, id3}));
  EXPECT_EQ(list(with([](OrderFilter& f) { f.status = Status::confirmed; })), (V{id3}));
  EXPECT_EQ(list(with([](OrderFilter& f) { f.channel = "pos"; })), (V{id2}));
  EXPECT_EQ(list(with([](OrderFilter& f) { f.email = "ANNA.rossi@example.IT"; })), (V{id1, id3}));
  EXPECT_EQ(list(with([](OrderFilter& f) { f.sku = "SKU-A"; })), (V{id1, id2, id3}));
  EXPECT_EQ(list(with([](OrderFilter& f) { f.sku = "SKU-B"; })), (V{id2}));
  const auto t0 = clock_.now_ms() - 2000;
  EXPECT_EQ(list(with([&](OrderFilter& f) {
    f.created_from_ms = t0 + 1000;
    f.created_to_ms = t0 + 2000;
  })), (V{id2}));
  auto page = db_->read([&](storage::Tx& tx) {
                    return orders_.list(tx, with([](OrderFilter& f) { f.limit = 2; }));
                  }).value();
  ASSERT_EQ(page.items.size(), 2u);
  ASSERT_TRUE(page.next_after);
  EXPECT_EQ(list(with([&](OrderFilter& f) {
    f.after_id = *page.next_after;
    f.limit = 2;
  })), (V{id3}));
}

TEST_P(OrdersTest, EditChangesLinesAddressesAndNotesBeforeFulfilment) {
  OrderInput in = order();
  in.lines = {line("A-1", 2, 1000), line("B-1", 1, 500, 400)};
  in.channel_total_minor = 3000;  // agrees with ours: 2000 + 500 + 500 shipping
  const Order o = create(in)->order;
  EXPECT_FALSE(o.totals_mismatch);
  clock_.advance_ms(1000);
  auto edit = [&](const OrderEdit& e) {
    return db_->write([&](storage::Tx& tx) -> Result<Order> {
      FONDACO_TRY(orders_.lock(tx, o.id));
      return orders_.edit(tx, o.id, e, clock_.now_ms());
    });
  };
  OrderEdit e;
  // Line 1 to 3 units, line 2 removed, a new line added; a new shipping address.
  e.lines = std::vector<EditLine>{{1, std::nullopt, 3, std::nullopt, std::nullopt, std::nullopt},
                                  {std::nullopt, "C-1", 1, 250, std::nullopt, 1000}};
  e.shipping_address = Address{"Anna Rossi", "Via Po 9", "", "Torino", "10121", "TO", "IT"};
  e.notes = "lasciare in portineria";
  e.note = "customer called";
  auto edited = edit(e);
  ASSERT_TRUE(edited) << edited.error().message;
  ASSERT_EQ(edited->lines.size(), 2u);
  EXPECT_EQ(edited->lines[0].line_no, 1);
  EXPECT_EQ(edited->lines[0].qty, 3);
  EXPECT_EQ(edited->lines[0].unit_price_minor, 1000);  // kept
  EXPECT_EQ(edited->lines[1].line_no, 3);  // after the highest number ever used
  EXPECT_EQ(edited->lines[1].sku, "C-1");
  EXPECT_EQ(edited->totals.total_minor, 3000 + 250 + 500);
  EXPECT_TRUE(edited->totals_mismatch);  // the channel's 3000 no longer agrees
  EXPECT_EQ(edited->shipping_address->city, "Torino");
  EXPECT_EQ(edited->notes, "lasciare in portineria");
  EXPECT_EQ(edited->updated_at, clock_.now_ms());
  EXPECT_EQ(edited->billing_address, o.billing_address);
  // Removing line 3 and adding another gives number 4, never 3 again.
  e = {};
  e.lines = std::vector<EditLine>{{1, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
                                  {std::nullopt, "D-1", 2, 100, std::nullopt, 2200}};
  EXPECT_EQ(edit(e)->lines[1].line_no, 4);
  auto h = db_->read([&](storage::Tx& tx) { return orders_.history(tx, o.id); }).value();
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].from, Status::pending_payment);
  EXPECT_EQ(h[1].to, Status::pending_payment);
  EXPECT_EQ(h[1].note, "customer called");
  EXPECT_EQ(h[2].note, "edited");
  EXPECT_EQ(event_types(), (std::vector<std::string>{"order.created", "order.updated", "order.updated"}));
}

TEST_P(OrdersTest, EditBadInputAndLateStatesChangeNothing) {
  OrderInput in = order();
  in.lines = {line("A-1", 2, 1000), line("B-1", 1, 500)};
  const Order o = create(in)->order;
  auto edit = [&](const OrderEdit& e) {
    return db_->write([&](storage::Tx& tx) -> Result<Order> {
      FONDACO_TRY(orders_.lock(tx, o.id));
      return orders_.edit(tx, o.id, e, clock_.now_ms());
    });
  };
  auto expect = [&](auto change, ErrorCode code, const std::string& field) {
    OrderEdit e;
    change(e);
    auto r = edit(e);
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().code, code) << field;
    EXPECT_EQ(r.error().field, field);
  };
  using L = std::vector<EditLine>;
  const auto none = std::nullopt;
  expect([&](OrderEdit& e) { e.lines = L{}; }, ErrorCode::invalid_argument, "lines");
  expect([&](OrderEdit& e) { e.lines = L{{7, none, 1, none, none, none}}; },
         ErrorCode::invalid_argument, "lines[0].line_no");
  expect([&](OrderEdit& e) { e.lines = L{{1, none, 1, none, none, none}, {1, none, 2, none, none, none}}; },
         ErrorCode::invalid_argument, "lines[1].line_no");
  expect([&](OrderEdit& e) { e.lines = L{{1, "Z-9", 1, none, none, none}}; },
         ErrorCode::invalid_argument, "lines[0].sku");
  expect([&](OrderEdit& e) { e.lines = L{{1, none, 0, none, none, none}}; },
         ErrorCode::invalid_argument, "lines[0].qty");
  expect([&](OrderEdit& e) { e.lines = L{{none, "C-1", 1, none, none, 2200}}; },
         ErrorCode::invalid_argument, "lines[0].unit_price_minor");
  expect([&](OrderEdit& e) { e.lines = L{{none, none, 1, 100, none, 2200}}; },
         ErrorCode::invalid_argument, "lines[0].sku");
  expect([&](OrderEdit& e) {
    e.billing_address = Address{"A", "B", "", "", "", "", "IT"};
  }, ErrorCode::invalid_argument, "billing_address.city");
  ASSERT_TRUE(transition(o.id, Status::paid));
  ASSERT_TRUE(transition(o.id, Status::fulfilling));
  expect([&](OrderEdit& e) { e.notes = "late"; }, ErrorCode::invalid_transition, "status");
  auto after = db_->read([&](storage::Tx& tx) { return orders_.get(tx, o.id); }).value();
  EXPECT_EQ(after.lines.size(), 2u);
  EXPECT_EQ(after.lines[0].qty, 2);
  EXPECT_EQ(after.totals.total_minor, o.totals.total_minor);
  EXPECT_EQ(after.notes, o.notes);
  EXPECT_EQ(event_types(), (std::vector<std::string>{"order.created", "order.status_changed",
                                                     "order.status_changed"}));
  auto missing = db_->write([&](storage::Tx& tx) { return orders_.lock(tx, 999); });
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_P(OrdersTest, CartsExpireReleaseAndConvertOnce) {
  const std::int64_t ttl = 15 * 60 * 1000;
  auto make = [&](std::vector<CartLineInput> lines, std::int64_t ttl_ms) {
    return db_->write([&](storage::Tx& tx) {
      return orders_.create_cart(tx, "storefront", lines, ttl_ms, clock_.now_ms());
    });
  };
  auto read = [&](std::int64_t id) {
    return db_->read([&](storage::Tx& tx) { return orders_.cart(tx, id, clock_.now_ms()); });
  };
  auto c = make({{"A-1", 2}, {"B-1", 1}}, ttl);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->status, CartStatus::active);
  EXPECT_EQ(c->expires_at, clock_.now_ms() + ttl);
  ASSERT_EQ(c->lines.size(), 2u);
  EXPECT_EQ(c->lines[1].line_no, 2);
  // Replacing the lines numbers them afresh and restarts the TTL.
  clock_.advance_ms(60'000);
  auto replaced = db_->write([&](storage::Tx& tx) -> Result<Cart> {
    FONDACO_TRY(orders_.lock_cart(tx, c->id));
    return orders_.replace_cart_lines(tx, c->id, {{"A-1", 5}}, std::nullopt, clock_.now_ms());
  });
  ASSERT_TRUE(replaced) << replaced.error().message;
  ASSERT_EQ(replaced->lines.size(), 1u);
  EXPECT_EQ(replaced->lines[0].line_no, 3);
  EXPECT_EQ(replaced->expires_at, clock_.now_ms() + ttl);
  clock_.advance_ms(ttl - 1);
  EXPECT_EQ(read(c->id)->status, CartStatus::active);
  clock_.advance_ms(1);
  EXPECT_EQ(read(c->id)->status, CartStatus::expired);
  auto late = db_->write([&](storage::Tx& tx) {
    return orders_.convert_cart(tx, c->id, 1, clock_.now_ms());
  });
  EXPECT_EQ(late.error().code, ErrorCode::cart_expired);
  EXPECT_EQ(late.error().field, "cart_id");
  auto released = db_->write([&](storage::Tx& tx) { return orders_.release_cart(tx, c->id, clock_.now_ms()); });
  EXPECT_EQ(released->status, CartStatus::released);

  auto d = make({{"A-1", 1}}, ttl).value();
  const auto order_id = create(order())->order.id;
  auto converted = db_->write([&](storage::Tx& tx) {
    return orders_.convert_cart(tx, d.id, order_id, clock_.now_ms());
  });
  ASSERT_TRUE(converted) << converted.error().message;
  EXPECT_EQ(converted->status, CartStatus::converted);
  EXPECT_EQ(converted->order_id, order_id);
  auto twice = db_->write([&](storage::Tx& tx) {
    return orders_.convert_cart(tx, d.id, order_id, clock_.now_ms());
  });
  EXPECT_EQ(twice.error().code, ErrorCode::cart_converted);
  auto del = db_->write([&](storage::Tx& tx) { return orders_.release_cart(tx, d.id, clock_.now_ms()); });
  EXPECT_EQ(del.error().code, ErrorCode::cart_converted);

  EXPECT_EQ(make({}, ttl).error().field, "lines");
  EXPECT_EQ(make({{"A-1", 0}}, ttl).error().field, "lines[0].qty");
  EXPECT_EQ(make({{"A-1", 1}}, 59'000).error().field, "ttl_seconds");
  EXPECT_EQ(make({{"A-1", 1}}, 24LL * 3600 * 1000 + 1000).error().field, "ttl_seconds");
  EXPECT_EQ(read(999).error().code, ErrorCode::not_found);
  EXPECT_EQ(event_types(), (std::vector<std::string>{"cart.created", "cart.updated", "cart.released",
                                                     "cart.created", "order.created",
                                                     "cart.converted"}));
}

INSTANTIATE_TEST_SUITE_P(Engines, OrdersTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::orders
