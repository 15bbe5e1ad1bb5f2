// A seeded, deterministic simulation of the order workflows on both engines.
//
// One PRNG (seeded) picks every step: placing orders (random lines over a few SKUs, some
// too big for the stock, some with a priority list, some repeating an external reference),
// editing them (keep, change, drop and add lines), cancelling, moving them through the
// state machine, shipping (committing an order's reservations), carts (create, change,
// release, convert into an order), stock receipts, adjustments and transfers (which may
// fail for want of stock), plain holds with a TTL, their release and commit, and clock
// advances with Inventory::expire (what the housekeeper does). The clock is a FakeClock;
// no choice depends on a database id, so a seed replays the same steps on either engine.
//
// The test keeps a model of what every step must do (on hand and holds per SKU and
// location, each order's status, lines and reservations, each cart's holds) and predicts
// whether each step succeeds, and with which error. After EVERY step it checks the
// database against the model and against itself: available ≥ 0, balances = the ledger
// replayed, per SKU the balances sum to 0, reserved = the active reservations
// (testing::LedgerCheck); every touched order's status and active reservations, its
// timeline a path of allowed transitions (and edits only in editable states); a refused
// step left no order, reservation, move or event behind; order numbers stay gap-free.
// Every order and cart is checked every 250 steps (less often once there are more of them
// than that, so a long run stays linear) and at the end; only steps change them, and the
// ones a step touched are checked right after it.
//
// Replay and long runs (from the build directory):
//   export FONDACO_SIM_SEED=<seed> FONDACO_SIM_STEPS=200000
//   src/workflows_test --gtest_filter='*Simulation*'
// (FONDACO_SIM_SEED=random picks a fresh seed; the seed is printed with every failure.)
//
// To add a step: a method that draws its choices from rng_, predicts the outcome from the
// model, runs the workflow in one transaction, checks the result and updates the model;
// then a weight in run().
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "fondaco/testing/ledger_check.h"
#include "fondaco/testing/testing.h"
#include "fondaco/workflows/carts.h"
#include "fondaco/workflows/place_order.h"

namespace fondaco::workflows {
namespace {

using inventory::LocationKind;
using orders::Status;

// splitmix64: tiny, fast, and the same numbers on every platform and standard library
// (std::uniform_int_distribution is not).
class Prng {
 public:
  explicit Prng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // In [0, n).
  std::int64_t below(std::int64_t n) {
    return static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(n));
  }
  // In [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) { return lo + below(hi - lo + 1); }
  bool chance(int one_in) { return below(one_in) == 0; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(below(static_cast<std::int64_t>(v.size())))];
  }

 private:
  std::uint64_t state_;
};

std::uint64_t env_seed() {
  const char* s = std::getenv("FONDACO_SIM_SEED");
  if (!s || !*s) return 20261124;
  if (std::string(s) == "random")
    return std::uint64_t{std::random_device{}()} << 32 | std::random_device{}();
  return std::strtoull(s, nullptr, 10);
}

int env_steps() {
  const char* s = std::getenv("FONDACO_SIM_STEPS");
  return s && *s ? std::max(1, std::atoi(s)) : 400;
}

const std::vector<std::string> kSkus = {"A", "B", "C", "D"};
// Placeable (warehouse, warehouse, store) in id order, then a returns area orders never
// take stock from.
const std::vector<std::string> kPlaceable = {"WH1", "WH2", "SHOP"};
const std::vector<std::string> kInternal = {"WH1", "WH2", "SHOP", "RET"};
constexpr std::int64_t kMaxHoldTtlMs = 15 * 60 * 1000;
constexpr std::int64_t kMinCartTtlMs = 60 * 1000;
constexpr std::int64_t kMaxCartTtlMs = 60 * 60 * 1000;

using Key = std::pair<std::string, std::string>;  // (sku, location)
using Qty = std::map<Key, std::int64_t>;

struct Hold {
  std::string sku;
  std::string location;
  std::int64_t qty = 0;
  std::optional<std::int64_t> expires_at;
};

struct SimLine {
  int line_no = 0;
  std::string sku;
  std::int64_t qty = 0;
};

struct SimOrder {
  std::int64_t id = 0;
  std::string number;
  Status status = Status::pending_payment;
  std::vector<SimLine> lines;
  int last_line_no = 0;
  std::set<std::int64_t> reservations;  // its active reservations
};

struct SimCart {
  std::int64_t id = 0;
  std::int64_t ttl_ms = 0;
  std::int64_t expires_at = 0;
  orders::CartStatus state = orders::CartStatus::active;  // active, converted or released
  std::vector<orders::CartLineInput> lines;
  int last_line_no = 0;          // line numbers are never reused
  std::set<std::int64_t> holds;  // its active reservations
};

class SimulationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
    auto made = db_->write([&](storage::Tx& tx) -> Result<void> {
      for (auto [code, kind] : {std::pair{"WH1", LocationKind::warehouse},
                                {"WH2", LocationKind::warehouse},
                                {"SHOP", LocationKind::store},
                                {"RET", LocationKind::returns}})
        FONDACO_TRY(inventory_.create_location(tx, {code, code, kind, std::nullopt, 0}, 1));
      auto p = testing::ProductBuilder("Sim");
      for (const auto& sku : kSkus) p.variant(sku, 1000);
      FONDACO_TRY(catalog_.create(tx, p.build(), 1));
      return ok();
    });
    ASSERT_TRUE(made) << made.error().message;
  }

  void run(std::uint64_t seed, int steps);

  // ---- steps ----
  void place();
  void edit();
  void cancel();
  void change_status();
  void ship();
  void create_cart();
  void update_cart();
  void release_cart();
  void convert_cart();
  void receive();
  void adjust();
  void transfer();
  void hold();
  void finish_hold();
  void tick();

  // ---- model ----
  std::int64_t on_hand(const Key& k) const { return on_hand_.contains(k) ? on_hand_.at(k) : 0; }
  std::int64_t reserved(const Key& k) const { return reserved_.contains(k) ? reserved_.at(k) : 0; }
  // What a step could take at k: available, plus what it releases first (`own`).
  std::int64_t available(const Key& k, const Qty& own = {}) const {
    return on_hand(k) - reserved(k) + (own.contains(k) ? own.at(k) : 0);
  }
  void add_hold(std::int64_t id, Hold h) {
    reserved_[{h.sku, h.location}] += h.qty;
    if (h.expires_at) ttl_holds_.insert(id);
    active_[id] = std::move(h);
  }
  void drop_hold(std::int64_t id) {
    const auto& h = active_.at(id);
    reserved_[{h.sku, h.location}] -= h.qty;
    active_.erase(id);
    ttl_holds_.erase(id);
    plain_holds_.erase(id);
  }
  Qty held_by(const std::set<std::int64_t>& ids) const {
    Qty out;
    for (auto id : ids) out[{active_.at(id).sku, active_.at(id).location}] += active_.at(id).qty;
    return out;
  }
  bool cart_open(const SimCart& c) const {
    return c.state == orders::CartStatus::active && clock_.now_ms() < c.expires_at;
  }
  // An order (or cart) to act on: mostly a recent one (likely still open), sometimes any.
  std::size_t some(std::size_t n) {
    const auto size = static_cast<std::int64_t>(n);
    if (rng_.chance(4) || size <= 32) return static_cast<std::size_t>(rng_.below(size));
    return static_cast<std::size_t>(size - 1 - rng_.below(32));
  }
  std::vector<std::pair<std::string, std::int64_t>> random_lines(int max_lines);
  std::vector<std::string> random_priority(bool& listed_ret);
  void note(std::string what) { note_ = std::move(what); }

  // ---- checks ----
  struct Marks {
    std::int64_t orders = 0, reservations = 0, moves = 0, events = 0;
  };
  Marks marks();
  void expect_nothing_written(const Marks& before);
  // Whether demand per SKU fits over the candidates (placeable ones), `own` released first.
  bool fits(const std::map<std::string, std::int64_t>& demand,
            const std::vector<std::string>& candidates, const Qty& own) const;
  // The active reservations made by a step: exactly `want` per reference, only at
  // candidates, within what was available, and at one location when one could serve it all.
  void expect_plan(const std::vector<inventory::Reservation>& made,
                   const std::map<std::string, std::int64_t>& want,
                   const std::vector<std::string>& candidates,
                   const std::map<std::string, std::int64_t>& demand, const Qty& own);
  void expect_number(const std::string& number);
  // The active reservations for lines 1..last_line_no of "order:<id>" or "cart:<id>".
  Result<std::set<std::int64_t>> active_for(storage::Tx& tx, const std::string& owner,
                                            int last_line_no);
  void check_order(storage::Tx& tx, const SimOrder& o);
  void check_cart(storage::Tx& tx, const SimCart& c);
  void check_all(bool everything);

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  catalog::Catalog catalog_{log_};
  inventory::Inventory inventory_{log_};
  orders::Orders orders_{log_};
  OrderServices services_{catalog_, inventory_, orders_};
  testing::FakeClock clock_;
  testing::LedgerCheck ledger_;

  Prng rng_{0};
  Qty on_hand_;                          // internal locations
  Qty reserved_;                         // Σ active_ per (sku, location)
  std::map<std::int64_t, Hold> active_;  // every active reservation, by id
  std::set<std::int64_t> ttl_holds_;     // active reservations with a TTL (plain, carts)
  std::set<std::int64_t> plain_holds_;   // active reservations of neither order nor cart
  std::map<std::int64_t, std::size_t> cart_of_hold_;
  std::vector<SimOrder> orders_model_;
  std::vector<SimCart> carts_;
  std::map<std::string, std::size_t> by_external_ref_;
  std::set<std::size_t> touched_orders_, touched_carts_;  // to check after this step
  std::string note_;                                      // what the step did
  int hold_counter_ = 0;
  std::map<std::string, int> stats_;
};

// ---- helpers ----

std::vector<std::pair<std::string, std::int64_t>> SimulationTest::random_lines(int max_lines) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  const auto n = rng_.between(1, max_lines);
  for (int i = 0; i < n; ++i) {
    const std::int64_t qty = rng_.chance(8) ? rng_.between(15, 40) : rng_.between(1, 4);
    out.emplace_back(rng_.pick(kSkus), qty);
  }
  return out;
}

// Sometimes a priority list (a shuffled subset of the placeable locations, now and then
// with RET, which is refused); usually none (every placeable location, in id order).
std::vector<std::string> SimulationTest::random_priority(bool& listed_ret) {
  listed_ret = false;
  if (!rng_.chance(6)) return {};
  std::vector<std::string> pool = kPlaceable;
  if (rng_.chance(4)) pool.push_back("RET");
  for (auto i = pool.size(); i > 1; --i)
    std::swap(pool[i - 1],
              pool[static_cast<std::size_t>(rng_.below(static_cast<std::int64_t>(i)))]);
  pool.resize(static_cast<std::size_t>(rng_.between(1, static_cast<std::int64_t>(pool.size()))));
  listed_ret = std::find(pool.begin(), pool.end(), "RET") != pool.end();
  return pool;
}

SimulationTest::Marks SimulationTest::marks() {
  auto r = db_->read([](storage::Tx& tx) -> Result<Marks> {
    auto rows = FONDACO_TRY(tx.query(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM orders), (SELECT COALESCE(MAX(id), 0) FROM "
        "reservations), (SELECT COALESCE(MAX(id), 0) FROM stock_moves), (SELECT "
        "COALESCE(MAX(seq), 0) FROM events)"));
    return Marks{rows.i64(0, 0), rows.i64(0, 1), rows.i64(0, 2), rows.i64(0, 3)};
  });
  EXPECT_TRUE(r) << r.error().message;
  return r ? *r : Marks{};
}

void SimulationTest::expect_nothing_written(const Marks& before) {
  const Marks after = marks();
  EXPECT_EQ(after.orders, before.orders) << "a refused step left an order";
  EXPECT_EQ(after.reservations, before.reservations) << "a refused step left a reservation";
  EXPECT_EQ(after.moves, before.moves) << "a refused step left a move";
  EXPECT_EQ(after.events, before.events) << "a refused step left an event";
}

bool SimulationTest::fits(const std::map<std::string, std::int64_t>& demand,
                          const std::vector<std::string>& candidates, const Qty& own) const {
  for (const auto& [sku, qty] : demand) {
    std::int64_t total = 0;
    for (const auto& c : candidates)
      if (c != "RET") total += std::max<std::int64_t>(0, available({sku, c}, own));
    if (total < qty) return false;
  }
  return true;
}

void SimulationTest::expect_plan(const std::vector<inventory::Reservation>& made,
                                 const std::map<std::string, std::int64_t>& want,
                                 const std::vector<std::string>& candidates,
                                 const std::map<std::string, std::int64_t>& demand,
                                 const Qty& own) {
  std::map<std::string, std::int64_t> per_ref;
  Qty taken;
  std::set<std::string> used;
  for (const auto& r : made) {
    if (r.status != inventory::ReservationStatus::active) continue;
    EXPECT_NE(std::find(candidates.begin(), candidates.end(), r.location), candidates.end())
        << r.location << " is not a candidate";
    per_ref[r.reference] += r.qty;
    taken[{r.sku, r.location}] += r.qty;
    used.insert(r.location);
  }
  EXPECT_EQ(per_ref, want) << "the holds do not cover the lines exactly";
  for (const auto& [key, qty] : taken)
    EXPECT_LE(qty, available(key, own)) << "oversold " << key.first << " at " << key.second;
  for (const auto& c : candidates) {
    if (!std::all_of(demand.begin(), demand.end(), [&](const auto& d) {
          return available({d.first, c}, own) >= d.second;
        }))
      continue;
    EXPECT_EQ(used, std::set<std::string>{c}) << "one location (" << c << ") could serve it all";
    break;
  }
}

// Gap-free numbers: refusals consumed none.
void SimulationTest::expect_number(const std::string& number) {
  char expected[32];
  std::snprintf(expected, sizeof expected, "WEB-%06zu", orders_model_.size() + 1);
  EXPECT_EQ(number, expected);
}

// ---- orders ----

void SimulationTest::place() {
  PlaceOrderInput in;
  in.order.customer.email = "sim@example.it";
  for (auto& [sku, qty] : random_lines(3))
    in.order.lines.push_back({sku, qty, std::nullopt, 0, std::nullopt});
  bool listed_ret = false;
  in.locations = random_priority(listed_ret);
  if (rng_.chance(10)) in.order.external_ref = "ext-" + std::to_string(rng_.below(8));

  std::ostringstream what;
  what << "place";
  for (const auto& l : in.order.lines) what << " " << l.sku << "x" << l.qty;
  for (const auto& c : in.locations) what << " @" << c;
  if (in.order.external_ref) what << " ref " << *in.order.external_ref;
  note(what.str());

  const Marks before = marks();
  auto placed =
      db_->write([&](storage::Tx& tx) { return place_order(tx, services_, in, clock_.now_ms()); });

  // An existing external reference returns that order, untouched.
  if (in.order.external_ref && by_external_ref_.contains(*in.order.external_ref)) {
    const auto idx = by_external_ref_.at(*in.order.external_ref);
    ASSERT_TRUE(placed) << placed.error().message;
    EXPECT_FALSE(placed->created);
    EXPECT_EQ(placed->order.id, orders_model_[idx].id);
    touched_orders_.insert(idx);
    expect_nothing_written(before);
    ++stats_["place: existing"];
    return;
  }
  const std::vector<std::string> candidates = in.locations.empty() ? kPlaceable : in.locations;
  std::map<std::string, std::int64_t> demand;
  for (const auto& l : in.order.lines) demand[l.sku] += l.qty;
  if (listed_ret || !fits(demand, candidates, {})) {
    ASSERT_FALSE(placed) << "placed although "
                         << (listed_ret ? "RET was listed" : "stock is short");
    if (listed_ret) {
      EXPECT_EQ(placed.error().code, ErrorCode::invalid_argument);
      EXPECT_EQ(placed.error().field.rfind("locations[", 0), 0u) << placed.error().field;
    } else {
      EXPECT_EQ(placed.error().code, ErrorCode::insufficient_stock) << placed.error().message;
      EXPECT_EQ(placed.error().field, "lines");
    }
    expect_nothing_written(before);
    ++stats_["place: refused"];
    return;
  }
  ASSERT_TRUE(placed) << "refused although stock suffices: " << placed.error().message;
  ASSERT_TRUE(placed->created);
  expect_number(placed->order.number);
  SimOrder o{placed->order.id, placed->order.number, Status::pending_payment, {}, 0, {}};
  std::map<std::string, std::int64_t> want;
  for (const auto& l : in.order.lines) {
    o.lines.push_back({++o.last_line_no, l.sku, l.qty});
    want[reservation_reference(o.id, o.last_line_no)] = l.qty;
  }
  expect_plan(placed->reservations, want, candidates, demand, {});
  for (const auto& r : placed->reservations) {
    add_hold(r.id, Hold{r.sku, r.location, r.qty, std::nullopt});
    o.reservations.insert(r.id);
  }
  if (in.order.external_ref) by_external_ref_[*in.order.external_ref] = orders_model_.size();
  touched_orders_.insert(orders_model_.size());
  orders_model_.push_back(std::move(o));
  ++stats_["place: placed"];
}

// Keeps, changes and drops existing lines and adds new ones; the order's holds are all
// released and taken anew, or nothing changes.
void SimulationTest::edit() {
  if (orders_model_.empty()) return;
  const auto idx = some(orders_model_.size());
  auto& o = orders_model_[idx];
  EditOrderInput in;
  in.edit.lines.emplace();
  std::vector<SimLine> after;
  int next_no = o.last_line_no;
  std::ostringstream what;
  what << "edit " << o.number << " (" << orders::to_string(o.status) << "):";
  for (const auto& l : o.lines) {
    if (rng_.chance(3)) continue;  // dropped
    orders::EditLine el;
    el.line_no = l.line_no;
    std::int64_t qty = l.qty;
    if (rng_.chance(2)) el.qty = qty = rng_.chance(8) ? rng_.between(15, 40) : rng_.between(1, 4);
    in.edit.lines->push_back(el);
    after.push_back({l.line_no, l.sku, qty});
    what << " #" << l.line_no << " " << l.sku << "x" << qty;
  }
  auto added = random_lines(2);
  if (!in.edit.lines->empty() && rng_.chance(2)) added.clear();
  for (auto& [sku, qty] : added) {
    orders::EditLine el;
    el.sku = sku;
    el.qty = qty;
    in.edit.lines->push_back(el);
    after.push_back({++next_no, sku, qty});
    what << " new " << sku << "x" << qty;
  }
  bool listed_ret = false;
  in.locations = random_priority(listed_ret);
  for (const auto& c : in.locations) what << " @" << c;
  note(what.str());
  touched_orders_.insert(idx);

  const Marks before = marks();
  auto edited = db_->write(
      [&](storage::Tx& tx) { return edit_order(tx, services_, o.id, in, clock_.now_ms()); });
  const std::vector<std::string> candidates = in.locations.empty() ? kPlaceable : in.locations;
  const Qty own = held_by(o.reservations);
  std::map<std::string, std::int64_t> demand;
  for (const auto& l : after) demand[l.sku] += l.qty;
  if (!orders::is_editable(o.status) || listed_ret || !fits(demand, candidates, own)) {
    ASSERT_FALSE(edited) << "edited although it should not have been";
    const auto want = !orders::is_editable(o.status) ? ErrorCode::invalid_transition
                      : listed_ret                   ? ErrorCode::invalid_argument
                                                     : ErrorCode::insufficient_stock;
    EXPECT_EQ(edited.error().code, want) << edited.error().message;
    expect_nothing_written(before);
    ++stats_["edit: refused"];
    return;
  }
  ASSERT_TRUE(edited) << "refused: " << edited.error().message;
  ASSERT_EQ(edited->order.lines.size(), after.size());
  std::map<std::string, std::int64_t> want;
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(edited->order.lines[i].line_no, after[i].line_no);
    EXPECT_EQ(edited->order.lines[i].sku, after[i].sku);
    EXPECT_EQ(edited->order.lines[i].qty, after[i].qty);
    want[reservation_reference(o.id, after[i].line_no)] = after[i].qty;
  }
  expect_plan(edited->reservations, want, candidates, demand, own);
  for (auto id : o.reservations) drop_hold(id);
  o.reservations.clear();
  for (const auto& r : edited->reservations) {
    if (r.status != inventory::ReservationStatus::active) continue;
    add_hold(r.id, Hold{r.sku, r.location, r.qty, std::nullopt});
    o.reservations.insert(r.id);
  }
  o.lines = after;
  o.last_line_no = next_no;
  ++stats_["edit: edited"];
}

void SimulationTest::cancel() {
  if (orders_model_.empty()) return;
  const auto idx = some(orders_model_.size());
  auto& o = orders_model_[idx];
  note("cancel " + o.number + " (" + std::string(orders::to_string(o.status)) + ")");
  touched_orders_.insert(idx);
  const Marks before = marks();
  auto r = db_->write(
      [&](storage::Tx& tx) { return cancel_order(tx, services_, o.id, "sim", clock_.now_ms()); });
  if (!orders::can_transition(o.status, Status::cancelled)) {
    ASSERT_FALSE(r) << "cancelled from " << orders::to_string(o.status);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_transition);
    expect_nothing_written(before);
    return;
  }
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->order.status, Status::cancelled);
  for (const auto& res : r->reservations) {
    if (o.reservations.contains(res.id)) {
      EXPECT_EQ(res.status, inventory::ReservationStatus::released);
    }
  }
  for (auto id : o.reservations) drop_hold(id);
  o.reservations.clear();
  o.status = Status::cancelled;
  ++stats_["cancelled"];
}

void SimulationTest::change_status() {
  if (orders_model_.empty()) return;
  static const std::vector<Status> kTargets = {
      Status::pending_payment, Status::confirmed, Status::paid,     Status::fulfilling,
      Status::on_hold,         Status::delivered, Status::completed};
  const auto idx = some(orders_model_.size());
  auto& o = orders_model_[idx];
  // Mostly a move the state machine allows (so orders get on), sometimes any.
  std::vector<Status> allowed;
  for (auto s : kTargets)
    if (orders::can_transition(o.status, s)) allowed.push_back(s);
  const Status to = !allowed.empty() && !rng_.chance(3) ? rng_.pick(allowed) : rng_.pick(kTargets);
  note("status " + o.number + " " + std::string(orders::to_string(o.status)) + " -> " +
       std::string(orders::to_string(to)));
  touched_orders_.insert(idx);
  const Marks before = marks();
  auto r = db_->write(
      [&](storage::Tx& tx) { return orders_.transition(tx, o.id, to, "sim", clock_.now_ms()); });
  if (!orders::can_transition(o.status, to)) {
    ASSERT_FALSE(r) << "allowed " << orders::to_string(o.status) << " -> " << orders::to_string(to);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_transition);
    expect_nothing_written(before);
    return;
  }
  ASSERT_TRUE(r) << r.error().message;
  o.status = to;
  ++stats_["status changed"];
}

// Fulfilment in one transaction: every active reservation of a fulfilling order is
// committed (stock leaves for the customer) and the order is shipped.
void SimulationTest::ship() {
  std::vector<std::size_t> fulfilling;
  for (std::size_t i = 0; i < orders_model_.size(); ++i)
    if (orders_model_[i].status == Status::fulfilling) fulfilling.push_back(i);
  if (fulfilling.empty()) return;
  const auto idx = rng_.pick(fulfilling);
  auto& o = orders_model_[idx];
  note("ship " + o.number);
  touched_orders_.insert(idx);
  auto r = db_->write([&](storage::Tx& tx) -> Result<void> {
    for (auto id : o.reservations) FONDACO_TRY(inventory_.commit(tx, id, clock_.now_ms()));
    FONDACO_TRY(orders_.transition(tx, o.id, Status::shipped, "sim", clock_.now_ms()));
    return ok();
  });
  ASSERT_TRUE(r) << r.error().message;
  for (auto id : o.reservations) {
    const auto& h = active_.at(id);
    on_hand_[{h.sku, h.location}] -= h.qty;
    drop_hold(id);
  }
  o.reservations.clear();
  o.status = Status::shipped;
  ++stats_["shipped"];
}

// ---- carts ----

void SimulationTest::create_cart() {
  CartInput in;
  for (auto& [sku, qty] : random_lines(2)) in.lines.push_back({sku, qty});
  in.ttl_ms = rng_.between(kMinCartTtlMs, kMaxCartTtlMs);
  std::ostringstream what;
  what << "cart";
  for (const auto& l : in.lines) what << " " << l.sku << "x" << l.qty;
  what << " for " << in.ttl_ms << " ms";
  note(what.str());
  const Marks before = marks();
  auto made = db_->write(
      [&](storage::Tx& tx) { return workflows::create_cart(tx, services_, in, clock_.now_ms()); });
  std::map<std::string, std::int64_t> demand;
  for (const auto& l : in.lines) demand[l.sku] += l.qty;
  if (!fits(demand, kPlaceable, {})) {
    ASSERT_FALSE(made) << "cart held more than available";
    EXPECT_EQ(made.error().code, ErrorCode::insufficient_stock) << made.error().message;
    expect_nothing_written(before);
    ++stats_["cart: refused"];
    return;
  }
  ASSERT_TRUE(made) << "refused: " << made.error().message;
  ASSERT_EQ(made->cart.lines.size(), in.lines.size());
  int last_no = 0;
  for (const auto& l : made->cart.lines) last_no = std::max(last_no, l.line_no);
  SimCart c{
      made->cart.id, in.ttl_ms, clock_.now_ms() + in.ttl_ms, orders::CartStatus::active, in.lines,
      last_no,       {}};
  EXPECT_EQ(made->cart.expires_at, c.expires_at);
  std::map<std::string, std::int64_t> want;
  for (std::size_t i = 0; i < in.lines.size(); ++i)
    want[cart_reference(c.id, made->cart.lines[i].line_no)] += in.lines[i].qty;
  expect_plan(made->holds, want, kPlaceable, demand, {});
  for (const auto& r : made->holds) {
    EXPECT_EQ(r.expires_at, c.expires_at);
    add_hold(r.id, Hold{r.sku, r.location, r.qty, c.expires_at});
    c.holds.insert(r.id);
    cart_of_hold_[r.id] = carts_.size();
  }
  touched_carts_.insert(carts_.size());
  carts_.push_back(std::move(c));
  ++stats_["cart: created"];
}

ErrorCode closed_cart_error(const SimCart& c) {
  return c.state == orders::CartStatus::converted ? ErrorCode::cart_converted
                                                  : ErrorCode::cart_expired;
}

void SimulationTest::update_cart() {
  if (carts_.empty()) return;
  const auto idx = some(carts_.size());
  auto& c = carts_[idx];
  std::vector<orders::CartLineInput> lines;
  for (auto& [sku, qty] : random_lines(2)) lines.push_back({sku, qty});
  std::optional<std::int64_t> ttl;
  if (rng_.chance(2)) ttl = rng_.between(kMinCartTtlMs, kMaxCartTtlMs);
  std::ostringstream what;
  what << "update cart " << idx << " (" << orders::to_string(c.state) << ", expires "
       << c.expires_at - clock_.now_ms() << " ms from now):";
  for (const auto& l : lines) what << " " << l.sku << "x" << l.qty;
  note(what.str());
  touched_carts_.insert(idx);
  const Marks before = marks();
  auto r = db_->write([&](storage::Tx& tx) {
    return workflows::update_cart(tx, services_, c.id, lines, ttl, clock_.now_ms());
  });
  const Qty own = held_by(c.holds);
  std::map<std::string, std::int64_t> demand;
  for (const auto& l : lines) demand[l.sku] += l.qty;
  if (!cart_open(c) || !fits(demand, kPlaceable, own)) {
    ASSERT_FALSE(r) << "updated although it should not have been";
    EXPECT_EQ(r.error().code, cart_open(c) ? ErrorCode::insufficient_stock : closed_cart_error(c))
        << r.error().message;
    expect_nothing_written(before);
    ++stats_["cart update: refused"];
    return;
  }
  ASSERT_TRUE(r) << "refused: " << r.error().message;
  ASSERT_EQ(r->cart.lines.size(), lines.size());
  for (const auto& l : r->cart.lines) {
    EXPECT_GT(l.line_no, c.last_line_no) << "a cart line number was reused";
    c.last_line_no = std::max(c.last_line_no, l.line_no);
  }
  if (ttl) c.ttl_ms = *ttl;
  const std::int64_t expires_at = clock_.now_ms() + c.ttl_ms;
  EXPECT_EQ(r->cart.expires_at, expires_at);
  std::map<std::string, std::int64_t> want;
  for (std::size_t i = 0; i < lines.size(); ++i)
    want[cart_reference(c.id, r->cart.lines[i].line_no)] += lines[i].qty;
  expect_plan(r->holds, want, kPlaceable, demand, own);
  for (auto id : c.holds) drop_hold(id);
  c.holds.clear();
  for (const auto& h : r->holds) {
    if (h.status != inventory::ReservationStatus::active) continue;
    add_hold(h.id, Hold{h.sku, h.location, h.qty, expires_at});
    c.holds.insert(h.id);
    cart_of_hold_[h.id] = idx;
  }
  c.lines = lines;
  c.expires_at = expires_at;
  ++stats_["cart update: updated"];
}

void SimulationTest::release_cart() {
  if (carts_.empty()) return;
  const auto idx = some(carts_.size());
  auto& c = carts_[idx];
  note("release cart " + std::to_string(idx) + " (" + std::string(orders::to_string(c.state)) +
       ")");
  touched_carts_.insert(idx);
  const Marks before = marks();
  auto r = db_->write([&](storage::Tx& tx) {
    return workflows::release_cart(tx, services_, c.id, clock_.now_ms());
  });
  if (c.state == orders::CartStatus::converted) {
    ASSERT_FALSE(r) << "released a converted cart";
    EXPECT_EQ(r.error().code, ErrorCode::cart_converted);
    expect_nothing_written(before);
    return;
  }
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->cart.status, orders::CartStatus::released);
  for (auto id : c.holds) drop_hold(id);
  c.holds.clear();
  c.state = orders::CartStatus::released;
  ++stats_["cart: released"];
}

// Checkout: the cart's holds become the order's, at the same locations.
void SimulationTest::convert_cart() {
  if (carts_.empty()) return;
  const auto idx = some(carts_.size());
  auto& c = carts_[idx];
  note("order cart " + std::to_string(idx) + " (" + std::string(orders::to_string(c.state)) +
       ", expires " + std::to_string(c.expires_at - clock_.now_ms()) + " ms from now)");
  touched_carts_.insert(idx);
  PlaceOrderInput in;
  in.order.customer.email = "cart@example.it";
  in.cart_id = c.id;
  const Marks before = marks();
  auto placed =
      db_->write([&](storage::Tx& tx) { return place_order(tx, services_, in, clock_.now_ms()); });
  if (!cart_open(c)) {
    ASSERT_FALSE(placed) << "ordered a cart that is not open";
    EXPECT_EQ(placed.error().code, closed_cart_error(c)) << placed.error().message;
    EXPECT_EQ(placed.error().field, "cart_id");
    expect_nothing_written(before);
    ++stats_["cart order: refused"];
    return;
  }
  ASSERT_TRUE(placed) << "refused: " << placed.error().message;
  ASSERT_TRUE(placed->created);
  expect_number(placed->order.number);
  SimOrder o{placed->order.id, placed->order.number, Status::pending_payment, {}, 0, {}};
  for (const auto& l : c.lines) o.lines.push_back({++o.last_line_no, l.sku, l.qty});
  Qty moved;
  for (const auto& r : placed->reservations) {
    EXPECT_EQ(r.status, inventory::ReservationStatus::active);
    EXPECT_FALSE(r.expires_at.has_value()) << "an order's hold does not expire";
    moved[{r.sku, r.location}] += r.qty;
  }
  EXPECT_EQ(moved, held_by(c.holds)) << "the order's holds are not the cart's";
  for (auto id : c.holds) drop_hold(id);
  c.holds.clear();
  c.state = orders::CartStatus::converted;
  for (const auto& r : placed->reservations) {
    add_hold(r.id, Hold{r.sku, r.location, r.qty, std::nullopt});
    o.reservations.insert(r.id);
  }
  touched_orders_.insert(orders_model_.size());
  orders_model_.push_back(std::move(o));
  ++stats_["cart order: placed"];
}

// ---- stock ----

void SimulationTest::receive() {
  const auto& sku = rng_.pick(kSkus);
  const auto& loc = rng_.pick(kInternal);
  const auto qty = rng_.between(1, 16);
  note("receive " + sku + " " + std::to_string(qty) + " at " + loc);
  auto r = db_->write([&](storage::Tx& tx) {
    return inventory_.move(tx, {sku, qty, "SUPPLIER", loc, "receipt", "sim"}, clock_.now_ms());
  });
  ASSERT_TRUE(r) << r.error().message;
  on_hand_[{sku, loc}] += qty;
}

// Counting differences: up (ADJUSTMENT → location) always works; down (location →
// ADJUSTMENT) only within what is available.
void SimulationTest::adjust() {
  const auto& sku = rng_.pick(kSkus);
  const auto& loc = rng_.pick(kInternal);
  const auto qty = rng_.between(1, 6);
  const bool down = rng_.chance(2);
  note("adjust " + sku + " " + (down ? "-" : "+") + std::to_string(qty) + " at " + loc);
  const std::string from = down ? loc : "ADJUSTMENT";
  const std::string to = down ? "ADJUSTMENT" : loc;
  const Marks before = marks();
  auto r = db_->write([&](storage::Tx& tx) {
    return inventory_.move(tx, {sku, qty, from, to, "adjustment", "sim"}, clock_.now_ms());
  });
  if (down && qty > available({sku, loc})) {
    ASSERT_FALSE(r) << "adjusted below what is available";
    EXPECT_EQ(r.error().code, ErrorCode::insufficient_stock);
    expect_nothing_written(before);
    return;
  }
  ASSERT_TRUE(r) << r.error().message;
  on_hand_[{sku, loc}] += down ? -qty : qty;
}

void SimulationTest::transfer() {
  const auto& sku = rng_.pick(kSkus);
  const auto& from = rng_.pick(kInternal);
  const auto& to = rng_.pick(kInternal);
  if (to == from) return;
  const auto qty = rng_.between(1, 6);
  note("transfer " + sku + " " + std::to_string(qty) + " " + from + " -> " + to);
  const Marks before = marks();
  auto r = db_->write([&](storage::Tx& tx) {
    return inventory_.move(tx, {sku, qty, from, to, "transfer", "sim"}, clock_.now_ms());
  });
  if (qty > available({sku, from})) {
    ASSERT_FALSE(r) << "moved more than available";
    EXPECT_EQ(r.error().code, ErrorCode::insufficient_stock);
    expect_nothing_written(before);
    return;
  }
  ASSERT_TRUE(r) << r.error().message;
  on_hand_[{sku, from}] -= qty;
  on_hand_[{sku, to}] += qty;
}

void SimulationTest::hold() {
  const auto& sku = rng_.pick(kSkus);
  const auto& loc = rng_.pick(kInternal);
  const auto qty = rng_.between(1, 3);
  const auto ttl = rng_.between(1, kMaxHoldTtlMs);
  const std::string ref = "hold:" + std::to_string(++hold_counter_);
  note("hold " + sku + " " + std::to_string(qty) + " at " + loc + " for " + std::to_string(ttl) +
       " ms");
  const Marks before = marks();
  auto r = db_->write([&](storage::Tx& tx) {
    return inventory_.reserve(tx, {sku, loc, qty, ref, ttl}, clock_.now_ms());
  });
  if (qty > available({sku, loc})) {
    ASSERT_FALSE(r) << "held more than available";
    EXPECT_EQ(r.error().code, ErrorCode::insufficient_stock);
    expect_nothing_written(before);
    return;
  }
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->expires_at, clock_.now_ms() + ttl);
  add_hold(r->id, Hold{sku, loc, qty, clock_.now_ms() + ttl});
  plain_holds_.insert(r->id);
}

// Releases or commits (a sale) one of the plain holds.
void SimulationTest::finish_hold() {
  if (plain_holds_.empty()) return;
  auto it = plain_holds_.begin();
  std::advance(it, rng_.below(static_cast<std::int64_t>(plain_holds_.size())));
  const auto id = *it;
  const Hold h = active_.at(id);
  const bool commit = rng_.chance(2);
  note(std::string(commit ? "commit" : "release") + " hold of " + h.sku + " " +
       std::to_string(h.qty) + " at " + h.location);
  auto r = db_->write([&](storage::Tx& tx) -> Result<void> {
    if (commit)
      FONDACO_TRY(inventory_.commit(tx, id, clock_.now_ms()));
    else
      FONDACO_TRY(inventory_.release(tx, id, clock_.now_ms()));
    return ok();
  });
  ASSERT_TRUE(r) << r.error().message;
  if (commit) on_hand_[{h.sku, h.location}] -= h.qty;
  drop_hold(id);
}

// Time passes; holds whose TTL ran out expire (what the housekeeper thread does).
void SimulationTest::tick() {
  const auto ms = rng_.between(0, kMaxHoldTtlMs / 2);
  clock_.advance_ms(ms);
  note("advance " + std::to_string(ms) + " ms and expire");
  auto r =
      db_->write([&](storage::Tx& tx) { return inventory_.expire(tx, clock_.now_ms(), 10000); });
  ASSERT_TRUE(r) << r.error().message;
  std::vector<std::int64_t> due;
  for (auto id : ttl_holds_)
    if (*active_.at(id).expires_at <= clock_.now_ms()) due.push_back(id);
  for (auto id : due) {
    if (cart_of_hold_.contains(id)) {
      const auto idx = cart_of_hold_.at(id);
      carts_[idx].holds.erase(id);
      touched_carts_.insert(idx);
    }
    drop_hold(id);
  }
  EXPECT_EQ(*r, static_cast<int>(due.size()));
}

// ---- invariants ----

Result<std::set<std::int64_t>> SimulationTest::active_for(storage::Tx& tx, const std::string& owner,
                                                          int last_line_no) {
  std::set<std::int64_t> out;
  std::string sql = "SELECT id FROM reservations WHERE status = 'active' AND reference IN (";
  std::vector<storage::Value> refs;
  for (int n = 1; n <= last_line_no; ++n) {
    sql += n == 1 ? "?" : ", ?";
    refs.emplace_back(owner + ":line:" + std::to_string(n));
  }
  if (refs.empty()) return out;
  auto rows = FONDACO_TRY(tx.query(sql + ")", refs));
  for (std::size_t i = 0; i < rows.size(); ++i) out.insert(rows.i64(i, 0));
  return out;
}

void SimulationTest::check_order(storage::Tx& tx, const SimOrder& o) {
  SCOPED_TRACE(o.number);
  auto got = orders_.get(tx, o.id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->status, o.status);
  EXPECT_EQ(got->number, o.number);
  ASSERT_EQ(got->lines.size(), o.lines.size());
  for (std::size_t i = 0; i < o.lines.size(); ++i) {
    EXPECT_EQ(got->lines[i].line_no, o.lines[i].line_no);
    EXPECT_EQ(got->lines[i].sku, o.lines[i].sku);
    EXPECT_EQ(got->lines[i].qty, o.lines[i].qty);
  }
  auto history = orders_.history(tx, o.id);
  ASSERT_TRUE(history) << history.error().message;
  ASSERT_FALSE(history->empty());
  EXPECT_FALSE(history->front().from.has_value());
  EXPECT_EQ(history->front().to, Status::pending_payment);
  for (std::size_t i = 1; i < history->size(); ++i) {
    const auto& h = (*history)[i];
    ASSERT_TRUE(h.from.has_value()) << "entry " << i;
    EXPECT_EQ(*h.from, (*history)[i - 1].to) << "entry " << i << " does not follow its previous";
    if (*h.from == h.to)  // an edit
      EXPECT_TRUE(orders::is_editable(h.to))
          << "entry " << i << ": edited while " << orders::to_string(h.to);
    else
      EXPECT_TRUE(orders::can_transition(*h.from, h.to))
          << "entry " << i << ": " << orders::to_string(*h.from) << " -> "
          << orders::to_string(h.to);
  }
  EXPECT_EQ(history->back().to, o.status);
  auto active = active_for(tx, "order:" + std::to_string(o.id), o.last_line_no);
  ASSERT_TRUE(active) << active.error().message;
  EXPECT_EQ(*active, o.reservations);
}

void SimulationTest::check_cart(storage::Tx& tx, const SimCart& c) {
  SCOPED_TRACE("cart " + std::to_string(c.id));
  auto got = orders_.cart(tx, c.id, clock_.now_ms());
  ASSERT_TRUE(got) << got.error().message;
  const auto want = c.state == orders::CartStatus::active && clock_.now_ms() >= c.expires_at
                        ? orders::CartStatus::expired
                        : c.state;
  EXPECT_EQ(got->status, want);
  EXPECT_EQ(got->expires_at, c.expires_at);
  auto active = active_for(tx, "cart:" + std::to_string(c.id), c.last_line_no);
  ASSERT_TRUE(active) << active.error().message;
  EXPECT_EQ(*active, c.holds);
}

void SimulationTest::check_all(bool everything) {
  auto r = db_->read([&](storage::Tx& tx) -> Result<void> {
    const auto violations = FONDACO_TRY(ledger_.violations(tx));
    for (const auto& v : violations) ADD_FAILURE() << v;
    for (const auto& sku : kSkus) {
      const auto level = FONDACO_TRY(inventory_.stock(tx, sku));
      std::map<std::string, inventory::Balance> at;
      for (const auto& b : level.locations) at[b.location] = b;
      for (const auto& loc : kInternal) {
        const auto& b = at[loc];
        EXPECT_GE(b.available(), 0) << sku << " at " << loc;
        EXPECT_EQ(b.on_hand, on_hand({sku, loc})) << sku << " at " << loc;
        EXPECT_EQ(b.reserved, reserved({sku, loc})) << sku << " at " << loc;
      }
    }
    if (everything) {
      for (const auto& o : orders_model_) check_order(tx, o);
      for (const auto& c : carts_) check_cart(tx, c);
      auto count = FONDACO_TRY(tx.query("SELECT COUNT(*) FROM orders"));
      EXPECT_EQ(count.i64(0, 0), static_cast<std::int64_t>(orders_model_.size()));
    } else {
      for (auto idx : touched_orders_) check_order(tx, orders_model_[idx]);
      for (auto idx : touched_carts_) check_cart(tx, carts_[idx]);
    }
    return ok();
  });
  ASSERT_TRUE(r) << r.error().message;
}

void SimulationTest::run(std::uint64_t seed, int steps) {
  rng_ = Prng(seed);
  using Step = void (SimulationTest::*)();
  const std::vector<std::pair<Step, int>> kSteps = {
      {&SimulationTest::place, 20},       {&SimulationTest::edit, 6},
      {&SimulationTest::cancel, 5},       {&SimulationTest::change_status, 9},
      {&SimulationTest::ship, 4},         {&SimulationTest::create_cart, 6},
      {&SimulationTest::update_cart, 3},  {&SimulationTest::release_cart, 2},
      {&SimulationTest::convert_cart, 4}, {&SimulationTest::receive, 14},
      {&SimulationTest::adjust, 6},       {&SimulationTest::transfer, 4},
      {&SimulationTest::hold, 6},         {&SimulationTest::finish_hold, 4},
      {&SimulationTest::tick, 6},
  };
  int total_weight = 0;
  for (const auto& [step, w] : kSteps) total_weight += w;
  std::deque<std::string> recent;  // the last steps, printed with a failure
  std::size_t next_full_check = 249;
  for (int i = 0; i < steps; ++i) {
    touched_orders_.clear();
    touched_carts_.clear();
    note("(nothing to do)");
    auto roll = rng_.below(total_weight);
    Step step = kSteps.back().first;
    for (const auto& [s, w] : kSteps) {
      if (roll < w) {
        step = s;
        break;
      }
      roll -= w;
    }
    {
      SCOPED_TRACE(::testing::Message() << "step " << i << ", seed " << seed);
      (this->*step)();
      const auto at = static_cast<std::size_t>(i);
      const bool everything = at >= next_full_check || i == steps - 1;
      if (everything)
        next_full_check = at + std::max<std::size_t>(250, orders_model_.size() + carts_.size());
      if (!HasFailure()) check_all(everything);
    }
    recent.push_back(std::to_string(i) + ": " + note_);
    if (recent.size() > 12) recent.pop_front();
    if (HasFailure()) {
      std::string log;
      for (const auto& s : recent) log += "\n  " + s;
      ADD_FAILURE() << "simulation failed at step " << i
                    << "; replay with FONDACO_SIM_SEED=" << seed << " FONDACO_SIM_STEPS=" << i + 1
                    << "; the last steps:" << log;
      return;
    }
  }
  std::string counts;
  for (const auto& [what, n] : stats_) counts += ", " + what + " " + std::to_string(n);
  std::printf("[ simulation ] %s: seed %llu, %d steps%s\n", GetParam().c_str(),
              static_cast<unsigned long long>(seed), steps, counts.c_str());
}

TEST_P(SimulationTest, RandomStepsKeepEveryInvariant) { run(env_seed(), env_steps()); }

INSTANTIATE_TEST_SUITE_P(Engines, SimulationTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::workflows
