// Fulfillment: the warehouse side of an order — shipments, pick lists, pack scans, carriers,
// tracking numbers, labels (PDF and ZPL), the carriers' daily manifest (borderò) and
// tracking updates.
//
// It knows nothing of orders, the catalog or the inventory: a caller (the order-paid
// workflow, or POST /api/v1/shipments) hands it a ShipmentInput of plain values — the
// source key that makes creation idempotent ("order:12:loc:WH1"), the order's id and number
// for reference, the location the parcel leaves from, the address, the lines with their
// GTIN, weight, bin and pick-path position. It answers with events the workflows react to:
// shipment.created, shipment.labelled, shipment.packed, shipment.shipped (every shipment
// payload carries shipment_id, order_id, order_number, location, status, carrier, service,
// tracking_number and the lines [{sku, qty}], so a subscriber can commit the order's
// reservations), shipment.delivered, shipment.exception, shipment.in_transit (back from an
// exception), shipment.cancelled, and carrier.updated — each appended in the transaction
// of its change.
//
// Status machine (every transition is one conditional UPDATE ... WHERE status IN (...), so
// two writers can never both move the same shipment, on either engine):
//   pending → picking (put on a pick list, or first scan) → packed (every unit scanned)
//   → shipped (needs a label; from pending/picking only with force) → delivered;
//   shipped ⇄ exception (tracking); exception → delivered; pending/picking/packed → cancelled.
//   delivered and cancelled are final: late or out-of-order tracking updates never move a
//   delivered shipment back.
//
// Tracking numbers come from a per-carrier counter row taken in the labelling transaction
// (UPDATE ... RETURNING), formatted per the carrier's format:
//   numeric — prefix digits + zero-padded counter + GS1 mod-10 check digit, 12 digits in all
//             (GLS prefix 61, BRT prefix 17 as seeded; distinct prefixes keep them unique);
//   s10     — UPU S10: 2 letters + 8-digit serial + mod-11 check digit (weights 8 6 4 2 3 5
//             9 7) + "IT" (Poste Italiane, service indicator CP: parcel);
//   generic — prefix + 10-digit zero-padded counter (FND0000000001).
// A unique index on tracking_number is the last guard.
//
// Labels are rendered once (libharu PDF 100×150 mm with a zint Code 128 barcode, and ZPL for
// 203 dpi 4×6 in printers) and stored; later downloads read the stored bytes.
// Nothing here reads the clock: every function takes now_ms.
// Thread-safety: Fulfillment holds only a reference to the event log; use it from any
// thread. The parsers and renderers are pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/page.h"
#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/storage/migrations.h"

namespace fondaco::fulfillment {

std::span<const storage::Migration> migrations();

enum class Status { pending, picking, packed, shipped, delivered, cancelled, exception };
std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view s);

struct Address {
  std::string name;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::string postal_code;
  std::optional<std::string> province;
  std::string country;  // ISO 3166-1 alpha-2
  std::optional<std::string> phone;
  std::optional<std::string> email;
};

struct LineInput {
  std::string sku;
  std::optional<std::string> gtin;  // scanned codes match the GTIN or the SKU
  std::string description;
  std::int64_t qty = 1;
  std::int64_t weight_g = 0;        // per unit
  std::optional<std::string> bin;   // location code of the bin
  std::int64_t pick_seq = 0;        // the bin's position on the pick path
};

struct ShipmentInput {
  std::string source_key;  // idempotency: the same key returns the existing shipment
  std::optional<std::int64_t> order_id;
  std::string order_number;
  std::string location;  // code of the location the parcel leaves from
  Address ship_to;
  std::optional<Address> ship_from;  // printed as sender; none: the location code
  std::vector<LineInput> lines;
  std::optional<std::string> carrier;  // none: the default carrier
  std::optional<std::string> service;  // none: the carrier's first service
  std::optional<std::int64_t> cod_amount_minor;  // cash on delivery, with cod_currency
  std::optional<std::string> cod_currency;
  std::int64_t parcels = 1;
};

struct ShipmentLine {
  std::int64_t line_no = 0;
  std::string sku;
  std::optional<std::string> gtin;
  std::string description;
  std::int64_t qty = 0;
  std::int64_t scanned = 0;
  std::int64_t weight_g = 0;
  std::optional<std::string> bin;
  std::int64_t pick_seq = 0;
};

struct Shipment {
  std::int64_t id = 0;
  std::string source_key;
  std::optional<std::int64_t> order_id;
  std::string order_number;
  std::string location;
  Status status = Status::pending;
  Address ship_to;
  std::optional<Address> ship_from;
  std::vector<ShipmentLine> lines;
  std::string carrier;
  std::string service;
  std::optional<std::int64_t> cod_amount_minor;
  std::optional<std::string> cod_currency;
  std::int64_t parcels = 1;
  std::int64_t weight_g = 0;  // sum of the lines
  std::optional<std::string> tracking_number;
  std::optional<std::string> tracking_url;
  std::optional<std::int64_t> pick_list_id;
  bool has_label = false;
  bool forced = false;  // shipped without a complete pack scan
  std::optional<std::int64_t> shipped_at;
  std::optional<std::int64_t> delivered_at;
  std::optional<std::int64_t> tracking_at;  // time of the last applied tracking update
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct ShipmentFilter {
  std::optional<std::int64_t> order_id;
  std::optional<Status> status;
  std::optional<std::string> location;
  std::optional<std::string> carrier;
};

enum class TrackingFormat { numeric, s10, generic };
std::string_view to_string(TrackingFormat f);
std::optional<TrackingFormat> parse_tracking_format(std::string_view s);

struct Carrier {
  std::string code;  // "GLS", "BRT", "POSTE", "GENERIC"
  std::string name;
  std::vector<std::string> services;  // first is the default service
  bool active = true;
  bool is_default = false;
  TrackingFormat tracking_format = TrackingFormat::generic;
  std::string tracking_prefix;
  std::optional<std::string> tracking_url_template;  // "https://.../{tracking}"
  std::int64_t max_parcel_weight_g = 0;
  std::int64_t updated_at = 0;
};

struct PickLine {
  std::string sku;
  std::optional<std::string> bin;
  std::int64_t pick_seq = 0;
  std::string description;
  std::int64_t qty = 0;
};

struct PickList {
  std::int64_t id = 0;
  std::string location;
  bool open = true;  // takes more shipments until it holds max_shipments
  std::int64_t max_shipments = 0;
  std::vector<std::int64_t> shipment_ids;
  std::vector<PickLine> lines;  // aggregated per (SKU, bin), in pick-path order
  std::int64_t created_at = 0;
};

struct Label {
  std::int64_t shipment_id = 0;
  std::string tracking_number;
  std::string pdf;  // bytes
  std::string zpl;
  std::int64_t created_at = 0;
};

// Overrides applied when a label is made (ignored once it exists; see label()).
struct LabelOptions {
  std::optional<std::string> carrier;
  std::optional<std::string> service;
  std::optional<std::int64_t> parcels;
};

struct ScanResult {
  Shipment shipment;
  std::int64_t line_no = 0;  // the line the code counted for
  bool complete = false;     // this scan packed the shipment
};

enum class TrackingEvent { in_transit, delivered, exception };
std::string_view to_string(TrackingEvent e);

struct TrackingUpdate {
  std::string tracking_number;
  TrackingEvent event = TrackingEvent::in_transit;
  std::int64_t at_ms = 0;
};

// One row's outcome: applied (status moved or update recorded), ignored (stale, or the
// shipment is not in a state the update applies to) or unknown (no such tracking number).
struct TrackingOutcome {
  std::size_t index = 0;
  std::string tracking_number;
  std::string outcome;  // "applied" | "ignored" | "unknown"
  std::optional<Status> status;  // the shipment's status afterwards
  std::string reason;
};

struct ManifestRow {
  std::int64_t shipment_id = 0;
  std::string tracking_number;
  std::string order_number;
  std::string recipient;
  std::string city;
  std::string postal_code;
  std::string country;
  std::int64_t parcels = 0;
  std::int64_t weight_g = 0;
  std::optional<std::int64_t> cod_amount_minor;
  std::optional<std::string> cod_currency;
};

struct Manifest {
  std::string carrier;
  std::string carrier_name;
  std::string date;  // YYYY-MM-DD (UTC day of shipped_at)
  std::vector<ManifestRow> rows;
};

class Fulfillment {
 public:
  explicit Fulfillment(events::EventLog& log) : log_(log) {}

  // Validates (invalid_argument naming the field: "lines[2].qty", "ship_to.country";
  // unprocessable for a GTIN with a wrong check digit) and creates a pending shipment, or
  // returns the one already created for in.source_key. Emits shipment.created.
  Result<Shipment> create_shipment(storage::Tx& tx, const ShipmentInput& in, std::int64_t now_ms);
  static Result<Shipment> get(storage::Tx& tx, std::int64_t id);
  // The shipment created for this source key, if any.
  static Result<std::optional<Shipment>> find_by_source(storage::Tx& tx, std::string_view key);
  static Result<Page<Shipment>> list(storage::Tx& tx, const ShipmentFilter& f,
                                     std::int64_t after_id, int limit);

  // Puts a pending shipment on its location's open pick list (a new one when none has room;
  // a list that reaches max_shipments closes). Already on a list: returns that list.
  Result<PickList> add_to_pick_list(storage::Tx& tx, std::int64_t shipment_id,
                                    std::int64_t max_shipments, std::int64_t now_ms);
  // Batches up to max_shipments pending shipments of the location (oldest first) on a new,
  // closed list. conflict naming "location" when none is pending.
  Result<PickList> create_pick_list(storage::Tx& tx, std::string_view location,
                                    std::int64_t max_shipments, std::int64_t now_ms);
  static Result<PickList> get_pick_list(storage::Tx& tx, std::int64_t id);
  static Result<Page<PickList>> list_pick_lists(storage::Tx& tx, std::optional<std::string> location,
                                                std::int64_t after_id, int limit);

  // One scanned unit: code is a line's GTIN or SKU. unprocessable naming "code" when no line
  // has it (wrong item), conflict naming "code" when its lines are fully scanned (extra
  // item); nothing is written then. The last unit packs the shipment (shipment.packed).
  Result<ScanResult> scan(storage::Tx& tx, std::int64_t shipment_id, std::string_view code,
                          std::int64_t now_ms);

  // The shipment's label: made once (carrier and tracking number assigned if not yet,
  // weight from the lines, parcels), stored, then returned as stored. invalid_transition for
  // shipped/delivered/cancelled shipments without a label; unprocessable naming "parcels"
  // when a parcel would exceed the carrier's maximum weight.
  Result<Label> label(storage::Tx& tx, std::int64_t shipment_id, std::int64_t now_ms,
                      const LabelOptions& opts = {});
  static Result<Label> get_label(storage::Tx& tx, std::int64_t shipment_id);

  // packed → shipped (force: also from pending/picking, for parcels packed without a
  // scanner). Needs a label (invalid_transition naming "label"). Emits shipment.shipped with
  // the lines and the tracking number.
  Result<Shipment> ship(storage::Tx& tx, std::int64_t shipment_id, bool force, std::int64_t now_ms);
  // pending/picking/packed → cancelled (shipment.cancelled).
  Result<Shipment> cancel(storage::Tx& tx, std::int64_t shipment_id, std::int64_t now_ms);

  // Applies carrier tracking updates one by one; an unknown tracking number or a stale
  // update is reported in its row, never fatal for the others.
  Result<std::vector<TrackingOutcome>> apply_tracking(storage::Tx& tx,
                                                      std::span<const TrackingUpdate> updates,
                                                      std::int64_t now_ms);

  // Carriers: seeded GLS, BRT, POSTE, GENERIC (default).
  static Result<std::vector<Carrier>> carriers(storage::Tx& tx);
  static Result<Carrier> get_carrier(storage::Tx& tx, std::string_view code);
  // Creates or replaces a carrier (its counter is kept). default=true makes every other
  // carrier non-default; the default carrier cannot be deactivated or lose its default flag
  // except by naming another default.
  Result<Carrier> put_carrier(storage::Tx& tx, const Carrier& c, std::int64_t now_ms);

  // The shipped shipments of a carrier on a UTC day (date "YYYY-MM-DD").
  static Result<Manifest> manifest(storage::Tx& tx, std::string_view carrier, std::string_view date);

 private:
  Result<void> emit(storage::Tx& tx, const char* type, const Shipment& s, std::int64_t now_ms);
  Result<std::string> next_tracking_number(storage::Tx& tx, const Carrier& c);

  events::EventLog& log_;
};

// Tracking numbers (exposed for tests and for carrier integrations).
std::string format_tracking_number(TrackingFormat f, std::string_view prefix, std::int64_t n);
// UPU S10 check digit of an 8-digit serial.
char s10_check_digit(std::string_view serial8);
bool is_valid_s10(std::string_view s);

// Parsers of the generic carrier webhook: a JSON array of {tracking_number, status, at}
// (status in_transit | delivered | exception, at RFC 3339), and CSV with the header
// tracking_number,status,date (date RFC 3339 or YYYY-MM-DD = midnight UTC). Errors are
// invalid_argument naming "[3].status" / "line 4". Bounded by the fulfillment limits.
Result<std::vector<TrackingUpdate>> parse_tracking_json(std::string_view body);
Result<std::vector<TrackingUpdate>> parse_tracking_csv(std::string_view body);

// Documents (pure renderers over values already read).
std::string manifest_csv(const Manifest& m);
Result<std::string> manifest_pdf(const Manifest& m);
Result<std::string> pick_list_pdf(const PickList& p);
std::string tracking_url(const std::optional<std::string>& url_template,
                         const std::optional<std::string>& tracking);

}  // namespace fondaco::fulfillment
