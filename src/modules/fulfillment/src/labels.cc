// Labels: made once per shipment in one transaction (carrier and service chosen, tracking
// number taken from the carrier's counter, PDF and ZPL rendered and stored), then served as
// stored. The shipment row is locked before the stored label is looked up, so two
// concurrent requests cannot both make one.
#include <algorithm>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"
#include "fondaco/platform/json.h"
#include "internal.h"

namespace fondaco::fulfillment {

using storage::Tx;

namespace {

Result<std::optional<Label>> stored_label(Tx& tx, std::int64_t shipment_id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT tracking_number, pdf_base64, zpl, created_at FROM shipment_labels WHERE "
      "shipment_id = ?",
      {shipment_id}));
  if (rows.empty()) return std::optional<Label>{};
  auto pdf = base64url_decode(rows.text(0, 1));
  if (!pdf) return fail(ErrorCode::internal, "stored label is corrupt");
  return std::optional<Label>(
      Label{shipment_id, rows.text(0, 0), std::move(*pdf), rows.text(0, 2), rows.i64(0, 3)});
}

// The carrier, service and parcels the label uses: the options over the shipment's own.
Result<Carrier> apply_options(Tx& tx, Shipment& s, const LabelOptions& o) {
  if (o.parcels && (*o.parcels < 1 || *o.parcels > limits::kMaxParcels))
    return fail(ErrorCode::invalid_argument, "must be 1-99", "parcels");
  if (o.parcels) s.parcels = *o.parcels;
  if (o.carrier && *o.carrier != s.carrier) {
    s.carrier = *o.carrier;
    if (!o.service) s.service.clear();
  }
  auto c = detail::load_carrier(tx, s.carrier, "carrier");
  if (!c) return fail(ErrorCode::invalid_argument, "unknown carrier", "carrier");
  if (!c->active) return fail(ErrorCode::invalid_argument, "carrier is not active", "carrier");
  if (o.service) s.service = *o.service;
  if (s.service.empty()) s.service = c->services.front();
  if (std::find(c->services.begin(), c->services.end(), s.service) == c->services.end())
    return fail(ErrorCode::invalid_argument, "not a service of carrier " + c->code, "service");
  // A parcel heavier than the carrier takes would be refused at pick-up.
  if (s.weight_g > s.parcels * c->max_parcel_weight_g)
    return fail(ErrorCode::unprocessable,
                "weight " + std::to_string(s.weight_g) + " g exceeds " +
                    std::to_string(c->max_parcel_weight_g) + " g per parcel of " + c->code,
                "parcels");
  return std::move(*c);
}

}  // namespace

Result<Label> Fulfillment::label(Tx& tx, std::int64_t shipment_id, std::int64_t now_ms,
                                 const LabelOptions& opts) {
  const auto locked = FONDACO_TRY(tx.exec(
      "UPDATE shipments SET updated_at = updated_at WHERE id = ?", {shipment_id}));
  if (locked != 1) return fail(ErrorCode::not_found, "shipment not found", "id");
  if (auto existing = FONDACO_TRY(stored_label(tx, shipment_id))) return std::move(*existing);
  Shipment s = FONDACO_TRY(get(tx, shipment_id));
  if (s.status != Status::pending && s.status != Status::picking && s.status != Status::packed)
    return fail(ErrorCode::invalid_transition,
                "no label for a " + std::string(to_string(s.status)) + " shipment", "status");
  const Carrier c = FONDACO_TRY(apply_options(tx, s, opts));
  if (!s.tracking_number) s.tracking_number = FONDACO_TRY(next_tracking_number(tx, c));
  s.tracking_url = tracking_url(c.tracking_url_template, s.tracking_number);
  auto dup = FONDACO_TRY(tx.query("SELECT id FROM shipments WHERE tracking_number = ? AND id <> ?",
                                  {*s.tracking_number, s.id}));
  if (!dup.empty())
    return fail(ErrorCode::conflict, "tracking number already used: change the carrier prefix",
                "carrier");
  FONDACO_TRY(tx.exec(
      "UPDATE shipments SET carrier = ?, service = ?, parcels = ?, tracking_number = ?, "
      "has_label = 1, updated_at = ? WHERE id = ?",
      {s.carrier, s.service, s.parcels, *s.tracking_number, now_ms, s.id}));
  s.has_label = true;
  Label l{s.id, *s.tracking_number, FONDACO_TRY(detail::label_pdf(s, c)), detail::label_zpl(s, c),
          now_ms};
  FONDACO_TRY(tx.exec(
      "INSERT INTO shipment_labels (shipment_id, tracking_number, pdf_base64, zpl, created_at) "
      "VALUES (?, ?, ?, ?, ?)",
      {l.shipment_id, l.tracking_number, base64url_encode(l.pdf), l.zpl, now_ms}));
  FONDACO_TRY(emit(tx, "shipment.labelled", s, now_ms));
  return l;
}

Result<Label> Fulfillment::get_label(Tx& tx, std::int64_t shipment_id) {
  auto l = FONDACO_TRY(stored_label(tx, shipment_id));
  if (!l) {
    FONDACO_TRY(get(tx, shipment_id));  // not_found for a missing shipment
    return fail(ErrorCode::not_found, "the shipment has no label yet", "label");
  }
  return std::move(*l);
}

}  // namespace fondaco::fulfillment
