#include "fondaco/returns/returns.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "fondaco/testing/testing.h"

namespace fondaco::returns {
namespace {

using testing::json_at;

// 2026-11-24 (UTC) in unix ms; RMA numbers carry the year.
constexpr std::int64_t kNov2026 = 1'795'500'000'000;
constexpr std::int64_t kJan2027 = 1'798'800'000'000;  // 2027-01-01T23:20Z

ReturnInput sample() {
  ReturnInput in;
  in.order_id = 42;
  in.order_number = "WEB-000042";
  in.customer_email = "anna@example.it";
  in.source = Source::customer;
  in.currency = "EUR";
  in.lines = {{"SKU-A", 2, Reason::damaged, "scratched"}, {"SKU-B", 1, Reason::changed_mind, ""}};
  in.returnable = {{"SKU-A", 3, 1500}, {"SKU-B", 1, 2500}, {"SKU-C", 0, 100}};
  return in;
}

class ReturnsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
    clock_.set_ms(kNov2026);
  }
  Result<Created> request(const ReturnInput& in) {
    return db_->write([&](storage::Tx& tx) { return returns_.request(tx, in, clock_.now_ms()); });
  }
  std::int64_t requested() {
    auto r = request(sample());
    EXPECT_TRUE(r) << r.error().message << " " << r.error().field;
    return r ? r->rma.id : 0;
  }
  // Runs one transition in its own write transaction.
  Result<Rma> run(const std::function<Result<Rma>(storage::Tx&)>& fn) {
    return db_->write([&](storage::Tx& tx) { return fn(tx); });
  }
  Result<Rma> authorize(std::int64_t id) {
    return run([&](storage::Tx& tx) { return returns_.authorize(tx, id, "ok", clock_.now_ms()); });
  }
  Result<Rma> receive(std::int64_t id, std::vector<ScannedLine> s) {
    return run([&](storage::Tx& tx) { return returns_.receive(tx, id, s, clock_.now_ms()); });
  }
  Result<Rma> inspect(std::int64_t id, InspectInput in) {
    return run([&](storage::Tx& tx) { return returns_.inspect(tx, id, in, clock_.now_ms()); });
  }
  Result<Rma> refunded(std::int64_t id, std::int64_t amount) {
    return run([&](storage::Tx& tx) {
      return returns_.mark_refunded(tx, id, "re_123", amount, clock_.now_ms());
    });
  }
  Result<Rma> close(std::int64_t id) {
    return run([&](storage::Tx& tx) { return returns_.close(tx, id, "", clock_.now_ms()); });
  }
  Result<Rma> cancel(std::int64_t id) {
    return run([&](storage::Tx& tx) { return returns_.cancel(tx, id, "", clock_.now_ms()); });
  }
  Result<Rma> reject(std::int64_t id, std::string reason = "outside the return period") {
    return run([&](storage::Tx& tx) { return returns_.reject(tx, id, reason, clock_.now_ms()); });
  }
  Rma get(std::int64_t id) {
    return db_->read([&](storage::Tx& tx) { return Returns::get(tx, id); }).value();
  }
  std::vector<events::Event> events() {
    return db_->read([](storage::Tx& tx) { return events::EventLog::read_after(tx, 0, 1000); })
        .value();
  }
  std::vector<std::string> event_types() {
    std::vector<std::string> out;
    for (const auto& e : events()) out.push_back(e.type);
    return out;
  }
  // A return received in full (SKU-A ×2, SKU-B ×1).
  std::int64_t received() {
    const auto id = requested();
    EXPECT_TRUE(authorize(id));
    EXPECT_TRUE(receive(id, {{"SKU-A", 2}, {"SKU-B", 1}}));
    return id;
  }
  static InspectInput all_restocked() {
    return {{{"SKU-A", 2, Disposition::restock, "WH"}, {"SKU-B", 1, Disposition::restock, "WH"}},
            std::nullopt,
            ""};
  }

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Returns returns_{log_, Options{7LL * 24 * 3600 * 1000}};
  testing::FakeClock clock_;
};

TEST_P(ReturnsTest, FullLifecycleEmitsEventsWithEverythingSubscribersNeed) {
  auto created = request(sample());
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(created->created);
  const Rma& r = created->rma;
  EXPECT_EQ(r.number, "RMA-2026-000001");
  EXPECT_EQ(r.status, Status::requested);
  EXPECT_EQ(r.requested_minor, 2 * 1500 + 2500);
  EXPECT_EQ(r.refund_minor, r.requested_minor);
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0].unit_refund_minor, 1500);
  EXPECT_EQ(r.lines[0].reason, Reason::damaged);
  EXPECT_EQ(r.lines[0].note, "scratched");

  clock_.advance_ms(1000);
  auto a = authorize(r.id).value();
  EXPECT_EQ(a.status, Status::authorized);
  EXPECT_EQ(a.return_by_ms, clock_.now_ms() + 7LL * 24 * 3600 * 1000);  // the configured window
  auto rec = receive(r.id, {{"SKU-A", 2}, {"SKU-B", 1}}).value();
  EXPECT_EQ(rec.lines[0].received_qty, 2);
  EXPECT_EQ(get(r.id).lines[1].received_qty, 1);
  InspectInput in{{{"SKU-A", 1, Disposition::restock, "WH"},
                   {"SKU-A", 1, Disposition::damaged, "DAMAGED"},
                   {"SKU-B", 1, Disposition::returns, "RETURNS"}},
                  3000, "one A broken: partial refund"};
  auto ins = inspect(r.id, in).value();
  EXPECT_EQ(ins.refund_minor, 3000);
  ASSERT_EQ(get(r.id).inspected.size(), 3u);
  EXPECT_EQ(get(r.id).inspected[1].disposition, Disposition::damaged);
  EXPECT_EQ(get(r.id).inspected[1].location, "DAMAGED");
  auto ref = refunded(r.id, 3000).value();
  EXPECT_EQ(ref.refunded_minor, 3000);
  EXPECT_EQ(ref.refund_ref, "re_123");
  auto closed = close(r.id).value();
  EXPECT_EQ(closed.status, Status::closed);
  EXPECT_EQ(get(r.id).version, 6);

  EXPECT_EQ(event_types(),
            (std::vector<std::string>{"return.requested", "return.authorized", "return.received",
                                      "return.inspected", "return.refunded", "return.closed"}));
  const auto ev = events();
  for (const auto& e : ev) {
    EXPECT_EQ(e.aggregate, "return");
    EXPECT_EQ(e.aggregate_id, std::to_string(r.id));
    EXPECT_EQ(json_at(e.payload, "order_id"), "42") << e.type;
    EXPECT_EQ(json_at(e.payload, "order_number"), "WEB-000042");
    EXPECT_EQ(json_at(e.payload, "currency"), "EUR");
    EXPECT_EQ(json_at(e.payload, "number"), "RMA-2026-000001");
    EXPECT_EQ(json_at(e.payload, "lines"), "[2]");
  }
  EXPECT_EQ(json_at(ev[0].payload, "requested_minor"), "5500");
  EXPECT_EQ(json_at(ev[0].payload, "lines[0].sku"), "SKU-A");
  EXPECT_EQ(json_at(ev[0].payload, "lines[0].reason"), "damaged");
  EXPECT_EQ(json_at(ev[1].payload, "return_by_ms"), std::to_string(*a.return_by_ms));
  EXPECT_EQ(json_at(ev[2].payload, "scanned[1].sku"), "SKU-B");
  EXPECT_EQ(json_at(ev[2].payload, "lines[0].received_qty"), "2");
  EXPECT_EQ(json_at(ev[3].payload, "dispositions"), "[3]");
  EXPECT_EQ(json_at(ev[3].payload, "dispositions[1].sku"), "SKU-A");
  EXPECT_EQ(json_at(ev[3].payload, "dispositions[1].qty"), "1");
  EXPECT_EQ(json_at(ev[3].payload, "dispositions[1].disposition"), "damaged");
  EXPECT_EQ(json_at(ev[3].payload, "dispositions[1].location"), "DAMAGED");
  EXPECT_EQ(json_at(ev[3].payload, "refund_minor"), "3000");
  EXPECT_EQ(json_at(ev[3].payload, "received_value_minor"), "5500");
  EXPECT_EQ(json_at(ev[4].payload, "refunded_minor"), "3000");
  EXPECT_EQ(json_at(ev[4].payload, "refund_ref"), "re_123");

  auto tl = db_->read([&](storage::Tx& tx) { return Returns::timeline(tx, r.id); }).value();
  ASSERT_EQ(tl.size(), 6u);
  EXPECT_FALSE(tl[0].from);
  EXPECT_EQ(tl[1].from, Status::requested);
  EXPECT_EQ(tl[1].to, Status::authorized);
  EXPECT_EQ(tl[3].note, "one A broken: partial refund");
  EXPECT_EQ(tl[5].to, Status::closed);
}

TEST_P(ReturnsTest, EveryRefusedTransitionChangesNothing) {
  const auto id = requested();
  auto refused = [&](Result<Rma> r, const char* what) {
    ASSERT_FALSE(r) << what;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_transition) << what;
    EXPECT_EQ(r.error().field, "status") << what;
  };
  // requested: only authorize, reject, cancel.
  refused(receive(id, {{"SKU-A", 1}}), "receive requested");
  refused(inspect(id, all_restocked()), "inspect requested");
  refused(refunded(id, 0), "refund requested");
  refused(close(id), "close requested");
  ASSERT_TRUE(authorize(id));
  refused(authorize(id), "authorize authorized");
  refused(reject(id), "reject authorized");
  refused(inspect(id, all_restocked()), "inspect authorized");
  refused(close(id), "close authorized");
  ASSERT_TRUE(receive(id, {{"SKU-A", 2}, {"SKU-B", 1}}));
  refused(cancel(id), "cancel received");
  refused(refunded(id, 0), "refund received");
  refused(close(id), "close received");
  ASSERT_TRUE(inspect(id, all_restocked()));
  refused(receive(id, {{"SKU-A", 1}}), "receive inspected");
  refused(inspect(id, all_restocked()), "inspect inspected");
  refused(cancel(id), "cancel inspected");
  refused(close(id), "close inspected with a refund due");
  ASSERT_TRUE(refunded(id, 5500));
  refused(refunded(id, 5500), "refund refunded");
  refused(cancel(id), "cancel refunded");
  ASSERT_TRUE(close(id));
  for (auto r : {authorize(id), cancel(id), close(id), reject(id)}) refused(r, "after closed");
  EXPECT_EQ(get(id).version, 6);
  EXPECT_EQ(event_types().size(), 6u);

  // Rejected and cancelled are final.
  const auto rejected = requested();
  ASSERT_TRUE(reject(rejected));
  refused(authorize(rejected), "authorize rejected");
  refused(cancel(rejected), "cancel rejected");
  const auto cancelled = requested();
  ASSERT_TRUE(authorize(cancelled));
  ASSERT_TRUE(cancel(cancelled));
  refused(receive(cancelled, {{"SKU-A", 1}}), "receive cancelled");
  refused(authorize(cancelled), "authorize cancelled");
  EXPECT_EQ(get(cancelled).status, Status::cancelled);
  // A rejection needs its reason; a missing RMA is not_found.
  EXPECT_EQ(reject(requested(), "").error().field, "reason");
  EXPECT_EQ(authorize(999).error().code, ErrorCode::not_found);
}

TEST(ReturnsOptions, WindowFromConfigurationIsBounded) {
  EXPECT_EQ(make_options(14LL * 24 * 3600 * 1000)->return_window_ms, 14LL * 24 * 3600 * 1000);
  EXPECT_EQ(make_options(1000).error().field, "return_window_ms");
  EXPECT_FALSE(make_options(limits::kMaxReturnWindowMs + 1));
  EXPECT_TRUE(make_options(limits::kMaxReturnWindowMs));
}

TEST_P(ReturnsTest, NothingToRefundClosesStraightAfterInspection) {
  const auto id = received();
  auto in = all_restocked();
  in.refund_minor = 0;
  ASSERT_TRUE(inspect(id, in));
  auto closed = close(id);
  ASSERT_TRUE(closed) << closed.error().message;
  EXPECT_EQ(closed->status, Status::closed);
}

TEST_P(ReturnsTest, RequestValidationNamesTheFieldAndWritesNothing) {
  auto expect = [&](std::function<void(ReturnInput&)> change, const std::string& field) {
    ReturnInput in = sample();
    change(in);
    auto r = request(in);
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument) << field;
    EXPECT_EQ(r.error().field, field) << r.error().message;
  };
  expect([](ReturnInput& in) { in.lines[1].qty = 0; }, "lines[1].qty");
  expect([](ReturnInput& in) { in.lines[0].qty = 4; }, "lines[0].qty");  // 3 returnable
  expect([](ReturnInput& in) { in.lines[1].qty = 2; }, "lines[1].qty");
  expect([](ReturnInput& in) { in.lines[1].sku = "SKU-Z"; }, "lines[1].sku");
  expect([](ReturnInput& in) { in.lines[1].sku = "SKU-C"; }, "lines[1].qty");  // 0 returnable
  expect([](ReturnInput& in) { in.lines[1].sku = "SKU-A"; in.lines[1].qty = 1; }, "lines[1].sku");
  expect([](ReturnInput& in) { in.lines[0].reason = static_cast<Reason>(99); }, "lines[0].reason");
  expect([](ReturnInput& in) { in.lines[0].note = std::string(1001, 'x'); }, "lines[0].note");
  expect([](ReturnInput& in) { in.lines.clear(); }, "lines");
  expect([](ReturnInput& in) { in.currency = "EURO"; }, "currency");
  expect([](ReturnInput& in) { in.customer_email = "anna"; }, "customer_email");
  expect([](ReturnInput& in) { in.order_id = 0; }, "order_id");
  expect([](ReturnInput& in) { in.order_number = ""; }, "order_number");
  expect([](ReturnInput& in) { in.source_key = ""; }, "source_key");
  expect([](ReturnInput& in) { in.returnable[2].qty_returnable = -1; },
         "returnable[2].qty_returnable");
  expect([](ReturnInput& in) { in.returnable[1].unit_refund_minor = -5; },
         "returnable[1].unit_refund_minor");
  expect([](ReturnInput& in) { in.returnable[2].sku = "SKU-A"; }, "returnable[2].sku");
  expect(
      [](ReturnInput& in) {
        in.returnable[0] = {"SKU-A", 1'000'000, 9'000'000'000'000};
        in.lines[0].qty = 1'000'000;
      },
      "lines[0].qty");  // value above the money ceiling
  EXPECT_TRUE(event_types().empty());
  auto page = db_->read([](storage::Tx& tx) { return Returns::list(tx, {}); }).value();
  EXPECT_TRUE(page.items.empty());
}

TEST_P(ReturnsTest, PartialReceiveAcrossParcelsNeverAboveAuthorized) {
  auto in = sample();
  in.lines = {{"SKU-A", 3, Reason::wrong_item, ""}, {"SKU-B", 1, Reason::other, ""}};
  const auto id = request(in).value().rma.id;
  ASSERT_TRUE(authorize(id));
  auto first = receive(id, {{"SKU-A", 1}});
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, Status::received);
  EXPECT_EQ(first->lines[0].received_qty, 1);
  EXPECT_EQ(first->lines[1].received_qty, 0);
  auto over = receive(id, {{"SKU-A", 1}, {"SKU-A", 2}});  // 1 + 2 > the 2 still expected
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(over.error().field, "lines[1].qty");
  EXPECT_EQ(get(id).lines[0].received_qty, 1);  // nothing of the refused scan stayed
  EXPECT_EQ(receive(id, {{"SKU-Z", 1}}).error().field, "lines[0].sku");
  EXPECT_EQ(receive(id, {{"SKU-A", 0}}).error().field, "lines[0].qty");
  EXPECT_EQ(receive(id, {}).error().field, "lines");
  auto second = receive(id, {{"SKU-A", 1}, {"SKU-A", 1}});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->lines[0].received_qty, 3);
  EXPECT_EQ(receive(id, {{"SKU-A", 1}}).error().field, "lines[0].qty");
  // SKU-B never arrived: inspection covers what arrived, the default refund is its value.
  auto ins = inspect(id, {{{"SKU-A", 3, Disposition::restock, "WH"}}, std::nullopt, ""});
  ASSERT_TRUE(ins) << ins.error().message;
  EXPECT_EQ(ins->refund_minor, 3 * 1500);
  EXPECT_EQ(event_types(),
            (std::vector<std::string>{"return.requested", "return.authorized", "return.received",
                                      "return.received", "return.inspected"}));
}

TEST_P(ReturnsTest, InspectionMustAccountForEveryReceivedUnit) {
  const auto id = received();
  auto expect = [&](InspectInput in, const std::string& field) {
    auto r = inspect(id, in);
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument) << field;
    EXPECT_EQ(r.error().field, field) << r.error().message;
  };
  // Too few: one unit of SKU-A has no disposition.
  expect({{{"SKU-A", 1, Disposition::restock, "WH"}, {"SKU-B", 1, Disposition::restock, "WH"}},
          std::nullopt, ""},
         "lines");
  // Too many.
  expect({{{"SKU-A", 2, Disposition::restock, "WH"},
           {"SKU-A", 1, Disposition::damaged, "DMG"},
           {"SKU-B", 1, Disposition::restock, "WH"}},
          std::nullopt, ""},
         "lines[1].qty");
  expect({{{"SKU-X", 1, Disposition::restock, "WH"}}, std::nullopt, ""}, "lines[0].sku");
  expect({{{"SKU-A", 0, Disposition::restock, "WH"}}, std::nullopt, ""}, "lines[0].qty");
  expect({{{"SKU-A", 2, Disposition::restock, "bad code"}, {"SKU-B", 1, Disposition::restock, "WH"}},
          std::nullopt, ""},
         "lines[0].location");
  expect({{{"SKU-A", 2, static_cast<Disposition>(7), "WH"}, {"SKU-B", 1, Disposition::restock, "WH"}},
          std::nullopt, ""},
         "lines[0].disposition");
  expect({{}, std::nullopt, ""}, "lines");
  // Refund adjustment: between 0 and the requested lines' value (5500).
  auto in = all_restocked();
  in.refund_minor = 5501;
  expect(in, "refund_minor");
  in.refund_minor = -1;
  expect(in, "refund_minor");
  EXPECT_EQ(get(id).status, Status::received);
  EXPECT_TRUE(get(id).inspected.empty());
  in.refund_minor = 5500;  // the upper bound itself is allowed
  auto ok = inspect(id, in);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->refund_minor, 5500);
  // The payment may refund at most what inspection decided.
  auto too_much = refunded(id, 5501);
  ASSERT_FALSE(too_much);
  EXPECT_EQ(too_much.error().field, "amount_minor");
  auto no_ref = run([&](storage::Tx& tx) { return returns_.mark_refunded(tx, id, "", 10, 1); });
  ASSERT_FALSE(no_ref);
  EXPECT_EQ(no_ref.error().field, "refund_ref");
  auto bad_ref =
      run([&](storage::Tx& tx) { return returns_.mark_refunded(tx, id, "re\n1", 10, 1); });
  ASSERT_FALSE(bad_ref);
  EXPECT_EQ(bad_ref.error().field, "refund_ref");
  EXPECT_TRUE(refunded(id, 5500));
}

TEST_P(ReturnsTest, NumbersAreGapFreePerYearAndDuplicatesConsumeNone) {
  EXPECT_EQ(request(sample())->rma.number, "RMA-2026-000001");
  // A transaction that fails after requesting rolls its number back.
  auto failed = db_->write([&](storage::Tx& tx) -> Result<void> {
    FONDACO_TRY(returns_.request(tx, sample(), clock_.now_ms()));
    return fail(ErrorCode::conflict, "later step failed");
  });
  ASSERT_FALSE(failed);
  auto keyed = sample();
  keyed.source_key = "portal-77";
  auto k1 = request(keyed).value();
  EXPECT_EQ(k1.rma.number, "RMA-2026-000002");
  EXPECT_TRUE(k1.created);
  auto k2 = request(keyed).value();  // the repeat returns the same RMA
  EXPECT_FALSE(k2.created);
  EXPECT_EQ(k2.rma.id, k1.rma.id);
  EXPECT_EQ(k2.rma.source_key, "portal-77");
  EXPECT_EQ(request(sample())->rma.number, "RMA-2026-000003");
  clock_.set_ms(kJan2027);
  EXPECT_EQ(request(sample())->rma.number, "RMA-2027-000001");
  EXPECT_EQ(request(sample())->rma.number, "RMA-2027-000002");
  EXPECT_EQ(event_types().size(), 5u);  // one per RMA created, none for the repeat

  // Lists: by order, by status, pages.
  auto other = sample();
  other.order_id = 43;
  const auto id43 = request(other).value().rma.id;
  ASSERT_TRUE(authorize(id43));
  auto list = [&](ReturnFilter f) {
    return db_->read([&](storage::Tx& tx) { return Returns::list(tx, f); }).value();
  };
  ReturnFilter by_order;
  by_order.order_id = 43;
  ASSERT_EQ(list(by_order).items.size(), 1u);
  EXPECT_EQ(list(by_order).items[0].id, id43);
  ReturnFilter by_status;
  by_status.status = Status::authorized;
  EXPECT_EQ(list(by_status).items.size(), 1u);
  ReturnFilter paged;
  paged.limit = 4;
  auto p1 = list(paged);
  ASSERT_EQ(p1.items.size(), 4u);
  ASSERT_TRUE(p1.next_after);
  paged.after_id = *p1.next_after;
  auto p2 = list(paged);
  EXPECT_EQ(p2.items.size(), 2u);
  EXPECT_FALSE(p2.next_after);
  EXPECT_EQ(p2.items[0].lines.size(), 2u);
}

// Concurrent transitions of one RMA: each from its own connection pool, so on PostgreSQL
// they really overlap (SQLite serialises writers; the outcome rules are the same).
TEST_P(ReturnsTest, ConcurrentTransitionsApplyAsIfOneAfterTheOther) {
  auto db2 = tdb_->open();
  for (int round = 0; round < 10; ++round) {
    // authorize vs reject: both leave `requested`, so exactly one can win.
    const auto id = requested();
    std::atomic<int> wins{0};
    std::thread t1([&] {
      if (db_->write([&](storage::Tx& tx) { return returns_.authorize(tx, id, "", 1); })) ++wins;
    });
    std::thread t2([&] {
      if (db2->write([&](storage::Tx& tx) { return returns_.reject(tx, id, "no", 1); })) ++wins;
    });
    t1.join();
    t2.join();
    EXPECT_EQ(wins.load(), 1) << "round " << round;
    const Rma r = get(id);
    EXPECT_TRUE(r.status == Status::authorized || r.status == Status::rejected);
    EXPECT_EQ(r.version, 2);
    // authorize vs cancel: cancel is allowed from both requested and authorized, so the
    // outcome is always cancelled, and authorize wins only when it went first.
    const auto id2 = requested();
    std::atomic<int> authorized{0};
    std::atomic<int> cancelled{0};
    std::thread t3([&] {
      if (db_->write([&](storage::Tx& tx) { return returns_.authorize(tx, id2, "", 1); }))
        ++authorized;
    });
    std::thread t4([&] {
      if (db2->write([&](storage::Tx& tx) { return returns_.cancel(tx, id2, "", 1); }))
        ++cancelled;
    });
    t3.join();
    t4.join();
    const Rma r2 = get(id2);
    const auto tl = db_->read([&](storage::Tx& tx) { return Returns::timeline(tx, id2); }).value();
    EXPECT_EQ(r2.version, 1 + authorized.load() + cancelled.load());
    EXPECT_EQ(tl.size(), static_cast<std::size_t>(r2.version));
    if (cancelled.load() == 1) {
      EXPECT_EQ(r2.status, Status::cancelled);
    } else {  // cancel lost the race on the row: it saw `requested`, authorize changed it
      EXPECT_EQ(r2.status, Status::authorized);
      EXPECT_EQ(authorized.load(), 1);
    }
  }
  // Every success has exactly one event, every failure none.
  std::size_t transitions = 0;
  auto all = db_->read([](storage::Tx& tx) { return Returns::list(tx, {}); }).value();
  for (const auto& r : all.items) transitions += static_cast<std::size_t>(r.version);
  EXPECT_EQ(event_types().size(), transitions);
}

TEST_P(ReturnsTest, ManyConcurrentAuthorizationsExactlyOneWins) {
  const auto id = requested();
  std::vector<std::unique_ptr<storage::Database>> pools;
  for (int i = 0; i < 4; ++i) pools.push_back(tdb_->open());
  std::atomic<int> wins{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (auto& p : pools)
    threads.emplace_back([&, db = p.get()] {
      auto r = db->write([&](storage::Tx& tx) { return returns_.authorize(tx, id, "", 1); });
      if (r) {
        ++wins;
      } else if (r.error().code == ErrorCode::invalid_transition) {
        ++refused;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(refused.load(), 3);
  EXPECT_EQ(get(id).version, 2);
  EXPECT_EQ(event_types().size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReturnsTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::returns
