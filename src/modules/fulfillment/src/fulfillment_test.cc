// The fulfillment module on both engines: shipment idempotency and validation, pick-list
// batching, aggregation, sorting and limits, pack scans, tracking numbers, labels (the
// barcode is decoded from the rendered PDF), ship/deliver transitions with out-of-order
// tracking updates, manifests, carriers, and the tracking parsers.
#include "fondaco/fulfillment/fulfillment.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <set>
#include <thread>

#include "fondaco/base/text.h"
#include "fondaco/testing/testing.h"

namespace fondaco::fulfillment {
namespace {

LineInput line(std::string sku, std::int64_t qty, std::optional<std::string> bin = std::nullopt,
               std::int64_t seq = 0, std::optional<std::string> gtin = std::nullopt,
               std::int64_t weight_g = 500) {
  return LineInput{std::move(sku), std::move(gtin), "Item", qty, weight_g, std::move(bin), seq};
}

ShipmentInput input(std::string key, std::vector<LineInput> lines, std::string location = "WH1") {
  ShipmentInput in;
  in.source_key = std::move(key);
  in.order_id = 12;
  in.order_number = "WEB-000012";
  in.location = std::move(location);
  in.ship_to = Address{"Anna Rossi", "Via Roma 1", std::nullopt, "Firenze", "50123", "FI", "IT",
                       "+39 055 000", "anna@example.it"};
  in.lines = std::move(lines);
  return in;
}

class FulfillmentTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }
  template <typename F>
  auto w(F&& f) {
    return db_->write([&](storage::Tx& tx) { return f(tx); });
  }
  template <typename F>
  auto r(F&& f) {
    return db_->read([&](storage::Tx& tx) { return f(tx); });
  }
  Result<Shipment> create(const ShipmentInput& in) {
    return w([&](storage::Tx& tx) { return f_.create_shipment(tx, in, clock_.now_ms()); });
  }
  Shipment get(std::int64_t id) {
    return r([&](storage::Tx& tx) { return Fulfillment::get(tx, id); }).value();
  }
  Result<ScanResult> scan(std::int64_t id, std::string code) {
    return w([&](storage::Tx& tx) { return f_.scan(tx, id, code, clock_.now_ms()); });
  }
  Result<Label> label(std::int64_t id, LabelOptions o = {}) {
    return w([&](storage::Tx& tx) { return f_.label(tx, id, clock_.now_ms(), o); });
  }
  Result<Shipment> ship(std::int64_t id, bool force = false) {
    return w([&](storage::Tx& tx) { return f_.ship(tx, id, force, clock_.now_ms()); });
  }
  Result<PickList> add(std::int64_t id, std::int64_t max) {
    return w([&](storage::Tx& tx) { return f_.add_to_pick_list(tx, id, max, clock_.now_ms()); });
  }
  std::vector<TrackingOutcome> track(std::vector<TrackingUpdate> u) {
    return w([&](storage::Tx& tx) { return f_.apply_tracking(tx, u, clock_.now_ms()); }).value();
  }
  std::vector<events::Event> events_of(std::string_view type) {
    auto all = r([](storage::Tx& tx) { return events::EventLog::read_after(tx, 0, 1000); }).value();
    std::vector<events::Event> out;
    for (auto& e : all)
      if (e.type == type) out.push_back(e);
    return out;
  }
  // A shipment packed by scanning every unit, with its label.
  Shipment packed(std::string key, std::optional<std::string> carrier = std::nullopt) {
    auto in = input(std::move(key), {line("A-1", 1)});
    in.carrier = carrier;
    auto s = create(in).value();
    EXPECT_TRUE(label(s.id));
    EXPECT_TRUE(scan(s.id, "A-1"));
    return get(s.id);
  }

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Fulfillment f_{log_};
  testing::FakeClock clock_;
};

TEST_P(FulfillmentTest, CreateIsIdempotentPerSourceKeyAndValidatesEveryField) {
  auto in = input("order:12:loc:WH1", {line("A-1", 2, "A-01", 10, "4006381333931"), line("B-2", 1)});
  auto s = create(in);
  ASSERT_TRUE(s) << s.error().message << " " << s.error().field;
  EXPECT_EQ(s->status, Status::pending);
  EXPECT_EQ(s->carrier, "GENERIC");  // the seeded default
  EXPECT_EQ(s->service, "standard");
  EXPECT_EQ(s->weight_g, 1500);
  ASSERT_EQ(s->lines.size(), 2u);
  EXPECT_EQ(s->lines[0].gtin, "4006381333931");
  EXPECT_EQ(s->ship_to.city, "Firenze");
  auto again = create(in);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, s->id);
  EXPECT_EQ(events_of("shipment.created").size(), 1u);
  auto found = r([&](storage::Tx& tx) { return Fulfillment::find_by_source(tx, "order:12:loc:WH1"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, s->id);

  struct Bad {
    std::function<void(ShipmentInput&)> change;
    ErrorCode code;
    std::string field;
  };
  const std::vector<Bad> bad = {
      {[](auto& i) { i.lines[1].qty = 0; }, ErrorCode::invalid_argument, "lines[1].qty"},
      {[](auto& i) { i.lines[0].gtin = "4006381333932"; }, ErrorCode::unprocessable, "lines[0].gtin"},
      {[](auto& i) { i.ship_to.country = "Italy"; }, ErrorCode::invalid_argument, "ship_to.country"},
      {[](auto& i) { i.lines.clear(); }, ErrorCode::invalid_argument, "lines"},
      {[](auto& i) { i.carrier = "DHL"; }, ErrorCode::invalid_argument, "carrier"},
      {[](auto& i) { i.service = "overnight"; }, ErrorCode::invalid_argument, "service"},
      {[](auto& i) { i.cod_amount_minor = 1000; }, ErrorCode::invalid_argument, "cod_currency"},
      {[](auto& i) { i.parcels = 0; }, ErrorCode::invalid_argument, "parcels"},
      {[](auto& i) { i.lines[0].bin = "bad bin"; }, ErrorCode::invalid_argument, "lines[0].bin"},
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    auto b = input("order:13:" + std::to_string(i), {line("A-1", 1), line("B-2", 1)});
    bad[i].change(b);
    auto res = create(b);
    ASSERT_FALSE(res) << i;
    EXPECT_EQ(res.error().code, bad[i].code) << i;
    EXPECT_EQ(res.error().field, bad[i].field) << i;
  }
  auto page = r([](storage::Tx& tx) { return Fulfillment::list(tx, {}, 0, 10); }).value();
  EXPECT_EQ(page.items.size(), 1u);  // nothing half-written by the failures
}

TEST_P(FulfillmentTest, ListFiltersAndPaginates) {
  for (int i = 0; i < 5; ++i) {
    auto in = input("f" + std::to_string(i), {line("A-1", 1)}, i < 3 ? "WH1" : "SHOP");
    in.order_id = 100 + i % 2;
    in.carrier = i == 4 ? std::optional<std::string>("BRT") : std::nullopt;
    create(in).value();
  }
  auto list = [&](ShipmentFilter f, std::int64_t after = 0, int limit = 10) {
    return r([&](storage::Tx& tx) { return Fulfillment::list(tx, f, after, limit); }).value();
  };
  EXPECT_EQ(list({100, std::nullopt, std::nullopt, std::nullopt}).items.size(), 3u);
  EXPECT_EQ(list({std::nullopt, std::nullopt, "SHOP", std::nullopt}).items.size(), 2u);
  EXPECT_EQ(list({std::nullopt, std::nullopt, "SHOP", "BRT"}).items.size(), 1u);
  EXPECT_EQ(list({std::nullopt, Status::packed, std::nullopt, std::nullopt}).items.size(), 0u);
  auto first = list({}, 0, 2);
  ASSERT_EQ(first.items.size(), 2u);
  ASSERT_TRUE(first.next_after);
  auto rest = list({}, *first.next_after, 10);
  EXPECT_EQ(rest.items.size(), 3u);
  EXPECT_FALSE(rest.next_after);
  EXPECT_EQ(r([&](storage::Tx& tx) { return Fulfillment::get_label(tx, first.items[0].id); })
                .error().field, "label");
}

TEST_P(FulfillmentTest, PickListsBatchPerLocationAggregateSortAndRespectTheLimit) {
  auto a = create(input("a", {line("SKU-B", 1, "B-02", 20), line("SKU-A", 2, "A-01", 10)})).value();
  auto b = create(input("b", {line("SKU-B", 3, "B-02", 20), line("SKU-C", 1, std::nullopt, 5)})).value();
  auto c = create(input("c", {line("SKU-A", 1, "A-01", 10)})).value();
  auto other = create(input("d", {line("SKU-A", 1)}, "SHOP")).value();

  auto la = add(a.id, 2).value();
  auto lb = add(b.id, 2).value();
  EXPECT_EQ(la.id, lb.id);
  EXPECT_FALSE(lb.open);  // full at N = 2
  auto lc = add(c.id, 2).value();
  EXPECT_NE(lc.id, la.id);  // a full list takes no more
  EXPECT_TRUE(lc.open);
  auto lo = add(other.id, 2).value();
  EXPECT_NE(lo.id, lc.id);  // one location per list
  EXPECT_EQ(lo.location, "SHOP");
  EXPECT_EQ(add(a.id, 2)->id, la.id);  // repeated by an at-least-once workflow: same list
  EXPECT_EQ(get(a.id).status, Status::picking);

  ASSERT_EQ(lb.shipment_ids, (std::vector<std::int64_t>{a.id, b.id}));
  ASSERT_EQ(lb.lines.size(), 3u);
  EXPECT_EQ(lb.lines[0].sku, "SKU-C");  // pick_seq 5
  EXPECT_EQ(lb.lines[0].bin, std::nullopt);
  EXPECT_EQ(lb.lines[1].sku, "SKU-A");  // 10
  EXPECT_EQ(lb.lines[1].qty, 2);
  EXPECT_EQ(lb.lines[2].sku, "SKU-B");  // 20, 1 + 3 summed
  EXPECT_EQ(lb.lines[2].qty, 4);
  EXPECT_EQ(lb.lines[2].bin, "B-02");

  // Manual batching: all pending unassigned shipments of a location, at most N.
  for (int i = 0; i < 3; ++i) create(input("m" + std::to_string(i), {line("SKU-A", 1)}, "WH2")).value();
  auto manual = w([&](storage::Tx& tx) { return f_.create_pick_list(tx, "WH2", 2, clock_.now_ms()); });
  ASSERT_TRUE(manual) << manual.error().message;
  EXPECT_EQ(manual->shipment_ids.size(), 2u);
  EXPECT_EQ(manual->lines[0].qty, 2);
  auto rest = w([&](storage::Tx& tx) { return f_.create_pick_list(tx, "WH2", 5, clock_.now_ms()); });
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->shipment_ids.size(), 1u);
  auto none = w([&](storage::Tx& tx) { return f_.create_pick_list(tx, "WH2", 5, clock_.now_ms()); });
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().field, "location");
  auto too_many = add(other.id, 201);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().field, "max_shipments");

  auto pdf = pick_list_pdf(
      r([&](storage::Tx& tx) { return Fulfillment::get_pick_list(tx, lb.id); }).value());
  ASSERT_TRUE(pdf);
  EXPECT_TRUE(pdf->starts_with("%PDF-"));
}

TEST_P(FulfillmentTest, ScansCountRightItemsRejectWrongAndExtraAndPackWhenComplete) {
  auto s = create(input("s", {line("A-1", 2, std::nullopt, 0, "4006381333931"), line("B-2", 1)})).value();
  auto wrong = scan(s.id, "Z-9");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::unprocessable);
  EXPECT_EQ(wrong.error().field, "code");
  EXPECT_EQ(get(s.id).status, Status::pending);  // nothing written

  auto first = scan(s.id, "4006381333931");  // by GTIN
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->line_no, 1);
  EXPECT_FALSE(first->complete);
  EXPECT_EQ(first->shipment.status, Status::picking);
  ASSERT_TRUE(scan(s.id, "A-1"));  // by SKU
  auto extra = scan(s.id, "A-1");
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error().code, ErrorCode::conflict);
  EXPECT_EQ(extra.error().field, "code");
  EXPECT_EQ(get(s.id).lines[0].scanned, 2);
  EXPECT_TRUE(events_of("shipment.packed").empty());

  auto last = scan(s.id, "B-2");
  ASSERT_TRUE(last);
  EXPECT_TRUE(last->complete);
  EXPECT_EQ(last->shipment.status, Status::packed);
  EXPECT_EQ(events_of("shipment.packed").size(), 1u);
  auto after = scan(s.id, "B-2");
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::invalid_transition);
  EXPECT_EQ(scan(999, "A-1").error().code, ErrorCode::not_found);
}

TEST_P(FulfillmentTest, TrackingNumbersFollowEachCarriersFormatAndAreUnique) {
  EXPECT_EQ(s10_check_digit("47312482"), '9');  // the UPU S10 worked example
  EXPECT_TRUE(is_valid_s10("AA473124829GB"));
  EXPECT_FALSE(is_valid_s10("AA473124828GB"));
  EXPECT_EQ(format_tracking_number(TrackingFormat::generic, "FND", 7), "FND0000000007");

  std::set<std::string> seen;
  const std::vector<std::string> carriers = {"GLS", "BRT", "POSTE", "GENERIC"};
  for (int i = 0; i < 5; ++i)
    for (const auto& c : carriers) {
      auto in = input(c + std::to_string(i), {line("A-1", 1)});
      in.carrier = c;
      auto s = create(in).value();
      auto l = label(s.id);
      ASSERT_TRUE(l) << l.error().message;
      EXPECT_TRUE(seen.insert(l->tracking_number).second) << l->tracking_number;
      if (c == "GLS" || c == "BRT") {
        EXPECT_EQ(l->tracking_number.size(), 12u);
        EXPECT_EQ(l->tracking_number.substr(0, 2), c == "GLS" ? "61" : "17");
        EXPECT_TRUE(is_valid_gtin(l->tracking_number)) << l->tracking_number;  // mod-10 check
      } else if (c == "POSTE") {
        EXPECT_TRUE(is_valid_s10(l->tracking_number)) << l->tracking_number;
        EXPECT_TRUE(l->tracking_number.starts_with("CP"));
        EXPECT_TRUE(l->tracking_number.ends_with("IT"));
      } else {
        EXPECT_EQ(l->tracking_number, "FND" + std::string(9, '0') + std::to_string(i + 1));
      }
    }
  EXPECT_EQ(seen.size(), 20u);
  EXPECT_TRUE(seen.contains("610000000018"));  // 61 + 000000001 + GS1 check digit 8
}

TEST_P(FulfillmentTest, LabelBarcodeDecodesToTheTrackingNumberAndIsStoredOnce) {
  for (const std::string carrier : {"POSTE", "GLS"}) {
    auto in = input("lbl-" + carrier, {line("A-1", 3, std::nullopt, 0, std::nullopt, 1250)});
    in.carrier = carrier;
    in.cod_amount_minor = 4990;
    in.cod_currency = "EUR";
    in.ship_to.name = "Niccolò Bianchi";
    if (carrier == "POSTE")
      in.ship_from = Address{"Bottega Srl", "Via dei Calzaiuoli 2", "Piano 1", "Firenze", "50122",
                             "FI", "IT", std::nullopt, std::nullopt};
    auto s = create(in).value();
    auto l = label(s.id);
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_TRUE(l->pdf.starts_with("%PDF-"));
    EXPECT_NE(l->zpl.find("^BCN"), std::string::npos);
    EXPECT_NE(l->zpl.find("^FD" + l->tracking_number + "^FS"), std::string::npos);
    EXPECT_TRUE(l->zpl.starts_with("^XA"));
    EXPECT_NE(l->zpl.find("^XZ"), std::string::npos);

    const auto dir = std::filesystem::temp_directory_path() /
                     ("ful-label-" + GetParam() + "-" + carrier + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "label.pdf", std::ios::binary) << l->pdf;
    const std::string cmd = "pdftoppm -r 300 -png " + (dir / "label.pdf").string() + " " +
                            (dir / "page").string() + " && zbarimg --quiet --raw " +
                            (dir / "page-1.png").string() + " 2>/dev/null";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string decoded;
    char buf[256];
    while (std::fgets(buf, sizeof buf, p)) decoded += buf;
    ::pclose(p);
    std::filesystem::remove_all(dir);
    while (!decoded.empty() && (decoded.back() == '\n' || decoded.back() == '\r')) decoded.pop_back();
    EXPECT_EQ(decoded, l->tracking_number);

    auto again = label(s.id, LabelOptions{"BRT", std::nullopt, 2});  // immutable once made
    ASSERT_TRUE(again);
    EXPECT_EQ(again->pdf, l->pdf);
    EXPECT_EQ(again->tracking_number, l->tracking_number);
    auto shipment = get(s.id);
    EXPECT_TRUE(shipment.has_label);
    EXPECT_EQ(shipment.carrier, carrier);
    EXPECT_EQ(shipment.weight_g, 3750);
    EXPECT_FALSE(shipment.tracking_url->empty());
    EXPECT_NE(shipment.tracking_url->find(l->tracking_number), std::string::npos);
  }
  // Heavier than the carrier takes per parcel: 422 naming parcels, unless split.
  auto heavy = create(input("heavy", {line("A-1", 40, std::nullopt, 0, std::nullopt, 1000)})).value();
  auto refused = label(heavy.id, LabelOptions{"POSTE", std::nullopt, 1});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unprocessable);
  EXPECT_EQ(refused.error().field, "parcels");
  EXPECT_FALSE(get(heavy.id).has_label);
  auto split = label(heavy.id, LabelOptions{"POSTE", "express", 2});
  ASSERT_TRUE(split) << split.error().message;
  EXPECT_EQ(get(heavy.id).parcels, 2);
  EXPECT_EQ(get(heavy.id).service, "express");
}

TEST_P(FulfillmentTest, ShipAndDeliverTransitionsIgnoreOutOfOrderTrackingUpdates) {
  auto s = create(input("t", {line("A-1", 1)})).value();
  auto no_label = ship(s.id, true);
  ASSERT_FALSE(no_label);
  EXPECT_EQ(no_label.error().field, "label");
  ASSERT_TRUE(label(s.id));
  auto not_packed = ship(s.id);
  ASSERT_FALSE(not_packed);
  EXPECT_EQ(not_packed.error().code, ErrorCode::invalid_transition);
  ASSERT_TRUE(scan(s.id, "A-1"));
  auto shipped = ship(s.id);
  ASSERT_TRUE(shipped) << shipped.error().message;
  EXPECT_EQ(shipped->status, Status::shipped);
  EXPECT_FALSE(shipped->forced);
  auto ev = events_of("shipment.shipped");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(testing::json_at(ev[0].payload, "tracking_number"), *shipped->tracking_number);
  EXPECT_EQ(testing::json_at(ev[0].payload, "order_id"), "12");
  EXPECT_EQ(testing::json_at(ev[0].payload, "lines[0].sku"), "A-1");
  EXPECT_EQ(testing::json_at(ev[0].payload, "lines[0].qty"), "1");
  EXPECT_EQ(ship(s.id).error().code, ErrorCode::invalid_transition);

  // Forced ship from pending (packed without a scanner).
  auto f = create(input("forced", {line("A-1", 1)})).value();
  ASSERT_TRUE(label(f.id));
  auto forced = ship(f.id, true);
  ASSERT_TRUE(forced);
  EXPECT_TRUE(forced->forced);

  const std::string tn = *shipped->tracking_number;
  const std::int64_t t0 = 1'790'000'000'000;
  auto out = track({{tn, TrackingEvent::in_transit, t0 + 2000},
                    {"NOPE123", TrackingEvent::delivered, t0},
                    {tn, TrackingEvent::exception, t0 + 1000},  // older than the last: stale
                    {*forced->tracking_number, TrackingEvent::exception, t0}});
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].outcome, "applied");
  EXPECT_EQ(out[1].outcome, "unknown");
  EXPECT_EQ(out[2].outcome, "ignored");
  EXPECT_EQ(out[3].outcome, "applied");
  EXPECT_EQ(out[3].status, Status::exception);
  EXPECT_EQ(get(s.id).status, Status::shipped);
  EXPECT_EQ(events_of("shipment.exception").size(), 1u);

  out = track({{tn, TrackingEvent::delivered, t0 + 5000},
               {tn, TrackingEvent::in_transit, t0 + 9000},  // late scan after delivery
               {tn, TrackingEvent::exception, t0 + 9000},
               {*forced->tracking_number, TrackingEvent::delivered, t0 + 3000}});
  EXPECT_EQ(out[0].outcome, "applied");
  EXPECT_EQ(out[1].outcome, "ignored");
  EXPECT_EQ(out[2].outcome, "ignored");
  EXPECT_EQ(out[3].outcome, "applied");  // exception → delivered
  EXPECT_EQ(get(s.id).status, Status::delivered);
  EXPECT_EQ(get(s.id).delivered_at, t0 + 5000);
  EXPECT_EQ(get(f.id).status, Status::delivered);
  EXPECT_EQ(events_of("shipment.delivered").size(), 2u);

  auto c = create(input("cancel", {line("A-1", 1)})).value();
  ASSERT_TRUE(w([&](storage::Tx& tx) { return f_.cancel(tx, c.id, clock_.now_ms()); }));
  EXPECT_EQ(get(c.id).status, Status::cancelled);
  EXPECT_EQ(w([&](storage::Tx& tx) { return f_.cancel(tx, s.id, clock_.now_ms()); }).error().code,
            ErrorCode::invalid_transition);
}

TEST_P(FulfillmentTest, ManifestListsTheDaysShippedShipmentsOfACarrier) {
  auto a = packed("m1", "GLS");
  auto cod_in = input("m2", {line("A-1", 2, std::nullopt, 0, std::nullopt, 700)});
  cod_in.carrier = "GLS";
  cod_in.cod_amount_minor = 12345;
  cod_in.cod_currency = "EUR";
  cod_in.ship_to.name = "Rossi, Mario \"Bottega\"";
  auto b = create(cod_in).value();
  ASSERT_TRUE(label(b.id));
  ASSERT_TRUE(ship(b.id, true));
  ASSERT_TRUE(ship(a.id));
  auto brt = packed("m3", "BRT");
  ASSERT_TRUE(ship(brt.id));
  packed("m4", "GLS");  // labelled but not shipped

  const std::string day = "2026-09-21";  // the fake clock's day (1'790'000'000'000 ms)
  auto m = r([&](storage::Tx& tx) { return Fulfillment::manifest(tx, "GLS", day); });
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->rows.size(), 2u);
  EXPECT_EQ(m->rows[0].shipment_id, a.id);
  EXPECT_EQ(m->rows[1].cod_amount_minor, 12345);
  EXPECT_EQ(m->rows[1].weight_g, 1400);
  const std::string csv = manifest_csv(*m);
  EXPECT_TRUE(csv.starts_with("tracking_number,order_number,recipient,city,"));
  EXPECT_NE(csv.find(*get(b.id).tracking_number + ",WEB-000012,\"Rossi, Mario \"\"Bottega\"\"\","
                     "Firenze,50123,IT,1,1400,12345,EUR\r\n"),
            std::string::npos)
      << csv;
  EXPECT_TRUE(manifest_pdf(*m)->starts_with("%PDF-"));
  EXPECT_TRUE(r([&](storage::Tx& tx) { return Fulfillment::manifest(tx, "GLS", "2026-09-22"); })
                  ->rows.empty());
  EXPECT_EQ(r([&](storage::Tx& tx) { return Fulfillment::manifest(tx, "GLS", "2026-02-30"); })
                .error().field, "date");
  EXPECT_EQ(r([&](storage::Tx& tx) { return Fulfillment::manifest(tx, "DHL", day); }).error().code,
            ErrorCode::not_found);
}

TEST_P(FulfillmentTest, CarriersAreConfigurableWithOneDefault) {
  auto list = r([](storage::Tx& tx) { return Fulfillment::carriers(tx); }).value();
  ASSERT_EQ(list.size(), 4u);
  Carrier sda{"SDA", "SDA Express", {"standard"}, true, true, TrackingFormat::generic, "SDA",
              "https://www.sda.it/track?c={tracking}", 30000, 0};
  auto put = w([&](storage::Tx& tx) { return f_.put_carrier(tx, sda, clock_.now_ms()); });
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_TRUE(put->is_default);
  EXPECT_FALSE(r([](storage::Tx& tx) { return Fulfillment::get_carrier(tx, "GENERIC"); })->is_default);
  EXPECT_EQ(create(input("sda", {line("A-1", 1)}))->carrier, "SDA");

  sda.is_default = false;  // the default changes only by naming another
  EXPECT_EQ(w([&](storage::Tx& tx) { return f_.put_carrier(tx, sda, clock_.now_ms()); }).error().field,
            "default");
  Carrier bad = sda;
  bad.code = "X";
  bad.tracking_url_template = "http://x/{tracking}";
  EXPECT_EQ(w([&](storage::Tx& tx) { return f_.put_carrier(tx, bad, clock_.now_ms()); }).error().field,
            "tracking_url_template");
  bad = sda;
  bad.code = "X";
  bad.tracking_format = TrackingFormat::s10;
  bad.tracking_prefix = "C1";
  EXPECT_EQ(w([&](storage::Tx& tx) { return f_.put_carrier(tx, bad, clock_.now_ms()); }).error().field,
            "tracking_prefix");
  bad.tracking_prefix = "CP";  // POSTE's
  EXPECT_EQ(w([&](storage::Tx& tx) { return f_.put_carrier(tx, bad, clock_.now_ms()); }).error().code,
            ErrorCode::conflict);
}

// Concurrent writers (PostgreSQL runs them on separate connections at READ COMMITTED): pick
// lists never exceed N, a unit is never scanned twice, a shipment packs once and ships once.
TEST_P(FulfillmentTest, ConcurrentPickListAdditionsScansAndShipsStayConsistent) {
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 9; ++i) ids.push_back(create(input("c" + std::to_string(i), {line("A-1", 1)})).value().id);
  auto s = create(input("scan-race", {line("A-1", 2)})).value();
  ASSERT_TRUE(label(s.id));
  std::atomic<int> scans_ok{0}, ships_ok{0};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ids.size(); ++i)
    threads.emplace_back([&, i] { EXPECT_TRUE(add(ids[i], 3)) << i; });
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      if (scan(s.id, "A-1")) ++scans_ok;
      if (ship(s.id)) ++ships_ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(scans_ok.load(), 2);
  EXPECT_EQ(ships_ok.load(), 1);
  EXPECT_EQ(events_of("shipment.packed").size(), 1u);
  EXPECT_EQ(events_of("shipment.shipped").size(), 1u);
  auto lists = r([](storage::Tx& tx) { return Fulfillment::list_pick_lists(tx, "WH1", 0, 100); }).value();
  std::size_t total = 0;
  for (const auto& l : lists.items) {
    EXPECT_LE(l.shipment_ids.size(), 3u);
    total += l.shipment_ids.size();
  }
  EXPECT_EQ(total, ids.size());
  EXPECT_EQ(lists.items.size(), 3u);
}

TEST(FulfillmentParsers, TrackingJsonAndCsvAreValidatedAndNameTheirFields) {
  auto j = parse_tracking_json(
      R"([{"tracking_number":"CP000000015IT","status":"delivered","at":"2026-09-21T10:00:00Z"}])");
  ASSERT_TRUE(j) << j.error().message;
  ASSERT_EQ(j->size(), 1u);
  EXPECT_EQ((*j)[0].event, TrackingEvent::delivered);
  EXPECT_EQ((*j)[0].at_ms, *parse_rfc3339("2026-09-21T10:00:00Z"));
  EXPECT_EQ(parse_tracking_json(R"([{"tracking_number":"X","status":"lost","at":"2026-09-21"}])")
                .error().field, "[0].status");
  EXPECT_EQ(parse_tracking_json(R"([{"tracking_number":"X","status":"delivered","at":"x"}])")
                .error().field, "[0].at");
  EXPECT_EQ(parse_tracking_json(R"([{"tracking_number":"X","status":"delivered","at":"2026-09-21T10:00:00Z","extra":1}])")
                .error().field, "[0].extra");
  EXPECT_FALSE(parse_tracking_json(R"({"tracking_number":"X"})"));
  EXPECT_FALSE(parse_tracking_json("[]"));

  auto c = parse_tracking_csv(
      "tracking_number,status,date\r\n610000000010,DELIVERED,2026-09-21\r\n\r\n"
      "\"CP000000015IT\",in_transit,2026-09-20T08:00:00+02:00\n");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].at_ms, *parse_rfc3339("2026-09-21T00:00:00Z"));
  EXPECT_EQ((*c)[1].event, TrackingEvent::in_transit);
  EXPECT_EQ(parse_tracking_csv("number,status,date\n").error().field, "line 1");
  EXPECT_EQ(parse_tracking_csv("tracking_number,status,date\nA,delivered\n").error().field, "line 2");
  EXPECT_EQ(parse_tracking_csv("tracking_number,status,date\nA,gone,2026-01-01\n").error().field,
            "line 2: status");
  EXPECT_FALSE(parse_tracking_csv("tracking_number,status,date\n\"A,delivered,2026-01-01\n"));
}

INSTANTIATE_TEST_SUITE_P(Engines, FulfillmentTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::fulfillment
