// The SdI life cycle of an e-invoice: handed to the intermediary, then SdI's receipts.
#include <utility>

#include "fondaco/invoicing/fatturapa.h"
#include "fondaco/platform/json.h"
#include "store.h"

namespace fondaco::invoicing {
namespace {

// Which status may follow which, as data. A receipt may overtake our own "sent" mark (the
// intermediary can be faster than the call that records the hand-over).
struct Transition {
  SdiStatus from;
  SdiStatus to;
};
constexpr Transition kTransitions[] = {
    {SdiStatus::to_send, SdiStatus::sent},
    {SdiStatus::to_send, SdiStatus::delivered},     {SdiStatus::sent, SdiStatus::delivered},
    {SdiStatus::to_send, SdiStatus::rejected},      {SdiStatus::sent, SdiStatus::rejected},
    {SdiStatus::to_send, SdiStatus::not_delivered}, {SdiStatus::sent, SdiStatus::not_delivered},
    {SdiStatus::delivered, SdiStatus::accepted},    {SdiStatus::delivered, SdiStatus::refused},
};

bool allowed(SdiStatus from, SdiStatus to) {
  for (const auto& t : kTransitions)
    if (t.from == from && t.to == to) return true;
  return false;
}

SdiStatus target_of(const SdiReceipt& r) {
  if (r.type == "RC") return SdiStatus::delivered;
  if (r.type == "NS") return SdiStatus::rejected;
  if (r.type == "MC") return SdiStatus::not_delivered;
  return r.outcome == "EC01" ? SdiStatus::accepted : SdiStatus::refused;
}

}  // namespace

Result<Document> Invoicing::move_status(storage::Tx& tx, Document d, SdiStatus to,
                                        const std::vector<SdiError>& errors,
                                        const std::optional<std::string>& sdi_id,
                                        std::int64_t now_ms) {
  if (d.sdi_status == to) return d;  // the same news twice
  if (!allowed(d.sdi_status, to))
    return fail(ErrorCode::invalid_transition,
                "SdI status cannot go from " + std::string(to_string(d.sdi_status)) + " to " +
                    std::string(to_string(to)),
                "sdi_status");
  // Conditional on the status read, so two concurrent receipts cannot both apply.
  const auto changed = FONDACO_TRY(tx.exec(
      "UPDATE invoice_documents SET sdi_status = ?, sdi_errors = ?, "
      "sdi_identifier = COALESCE(?, sdi_identifier), updated_at = ? WHERE id = ? AND sdi_status = ?",
      {std::string(to_string(to)), store::errors_json(errors), storage::opt_value(sdi_id), now_ms,
       d.id, std::string(to_string(d.sdi_status))}));
  if (changed != 1) return fail(ErrorCode::conflict, "the SdI status changed meanwhile", "sdi_status");
  json::Writer w;
  w.begin_object().kv("id", d.id).kv("number", d.number).kv("from", to_string(d.sdi_status));
  w.kv("to", to_string(to)).end_object();
  FONDACO_TRY(log_.append(tx, "invoice.sdi_status_changed", "invoice", std::to_string(d.id),
                          w.take(), now_ms));
  return get(tx, d.id);
}

Result<Document> Invoicing::mark_sent(storage::Tx& tx, std::int64_t id, std::int64_t now_ms) {
  Document d = FONDACO_TRY(get(tx, id));
  if (d.sdi_status == SdiStatus::not_applicable)
    return fail(ErrorCode::invalid_transition, "this document is not an e-invoice", "id");
  if (d.sdi_status != SdiStatus::to_send) return d;  // already sent (or further)
  return move_status(tx, std::move(d), SdiStatus::sent, {}, std::nullopt, now_ms);
}

Result<Document> Invoicing::import_receipt(storage::Tx& tx, std::string_view xml,
                                           std::int64_t now_ms) {
  const SdiReceipt r = FONDACO_TRY(parse_sdi_receipt(xml));
  auto found = FONDACO_TRY(store::find_one(tx, "file_name = ?", r.file_name));
  if (!found) return fail(ErrorCode::not_found, "no document was sent as " + r.file_name, "NomeFile");
  if (r.type == "NE" && found->format != "FPA12")
    return fail(ErrorCode::invalid_transition,
                "NotificaEsito comes only for invoices to public administrations", "NomeFile");
  const SdiStatus to = target_of(r);
  if (found->sdi_status == to) return std::move(*found);
  Document d = FONDACO_TRY(move_status(tx, std::move(*found), to, r.errors, r.sdi_identifier, now_ms));
  FONDACO_TRY(tx.exec(
      "INSERT INTO invoice_sdi_receipts (document_id, type, sdi_identifier, body, received_at) "
      "VALUES (?, ?, ?, ?, ?)",
      {d.id, r.type, storage::opt_value(r.sdi_identifier), std::string(xml), now_ms}));
  return d;
}

}  // namespace fondaco::invoicing
