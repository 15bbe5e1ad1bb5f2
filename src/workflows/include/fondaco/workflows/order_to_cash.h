// Order to cash: the chain that takes an order from its placement to the parcel at the
// door, the invoice and the customer's e-mails with no human call.
//
// Each step is a transactional event subscriber (events::Dispatcher::subscribe_tx): the
// dispatcher runs a batch of events in one transaction, each in a savepoint, and moves the
// step's cursor in that same transaction, so a step's changes happen exactly once and a
// crash resumes where it stopped. Steps are idempotent all the same — they re-read the
// current state and the modules they call deduplicate by a source key
// ("order:12:document", "order:12:loc:WH", "order:12:confirmed") — because the automations
// API may run a parked event again. A step
// that fails is retried with exponential backoff; after limits::kChainMaxAttempts it is
// parked as an events::Failure (GET /api/v1/automations/failures) and can be run again
// (POST .../retry) once its cause is fixed, while the other orders flow on.
//
//   order.created        → payments: expect the payment (card, paypal, bank transfer, COD);
//                          cash and marketplace orders are paid at once; COD is confirmed
//                          (it ships unpaid) · emails: order confirmed (+ bank transfer
//                          instructions)
//   payment.captured     → payments: the order becomes paid (a COD order already on its way
//                          only changes its payment status)
//   order → paid, or a COD order → confirmed
//                        → fulfilment: one shipment per location holding the order's stock,
//                          on the location's open pick list; the order moves to
//                          fulfilling
//   shipment.created     → labels: carrier, tracking number, label (its own subscriber, so
//                          a label that cannot be made never holds up the pick lists) · invoicing: the fiscal document, when the
//                          seller issues on payment
//   shipment.shipped     → fulfilment: the shipped holds are committed (reserved → customer)
//                          and the order becomes partially_shipped / shipped · invoicing:
//                          the document, when the seller issues on shipment · emails:
//                          shipped · payments: a COD payment learns its parcel
//   shipment.delivered   → fulfilment: the order becomes delivered once every parcel is ·
//                          emails: delivered
//   payment.refunded     → invoicing: a credit note for the refunded amount · payments: the
//                          order's payment status · emails: refund issued · returns: the
//                          return it pays becomes refunded
//   return.inspected     → returns: restock (customer → the inspected locations) and the
//                          refund through the original payment
//
// Thread-safety: the steps are stateless; the dispatcher calls them from its thread and the
// automations API may run one again from a request thread.
#pragma once

#include <cstdint>
#include <string>

#include "fondaco/base/clock.h"
#include "fondaco/base/result.h"
#include "fondaco/catalog/catalog.h"
#include "fondaco/events/event_log.h"
#include "fondaco/fulfillment/fulfillment.h"
#include "fondaco/inventory/inventory.h"
#include "fondaco/invoicing/invoicing.h"
#include "fondaco/notifications/notifications.h"
#include "fondaco/orders/orders.h"
#include "fondaco/payments/payments.h"
#include "fondaco/returns/returns.h"
#include "fondaco/storage/database.h"

namespace fondaco::workflows {

struct ChainOptions {
  // Shipments per pick list before a new list is opened.
  std::int64_t pick_list_size = 20;
};

// Everything the chain touches. The module objects are stateless; the composition root
// owns them.
struct Chain {
  storage::Database& db;
  const Clock& clock;
  catalog::Catalog& catalog;
  inventory::Inventory& inventory;
  orders::Orders& orders;
  payments::Payments& payments;
  invoicing::Invoicing& invoicing;
  fulfillment::Fulfillment& fulfillment;
  notifications::Notifications& notifications;
  returns::Returns& returns;
  ChainOptions options;
};

// Registers the chain's subscribers ("o2c.payments", "o2c.fulfilment", "o2c.labels",
// "o2c.invoicing", "o2c.emails", "o2c.bank_instructions", "o2c.returns"); `chain` must
// outlive the dispatcher.
void register_order_to_cash(events::Dispatcher& dispatcher, const Chain& chain);

// The steps, one per subscriber (each ignores the event types it does not handle).
Result<void> payments_step(const Chain& c, storage::Tx& tx, const events::Event& e);
Result<void> fulfilment_step(const Chain& c, storage::Tx& tx, const events::Event& e);
Result<void> labels_step(const Chain& c, storage::Tx& tx, const events::Event& e);  // shipment.created → label
Result<void> invoicing_step(const Chain& c, storage::Tx& tx, const events::Event& e);
Result<void> emails_step(const Chain& c, storage::Tx& tx, const events::Event& e);
Result<void> bank_instructions_step(const Chain& c, storage::Tx& tx, const events::Event& e);
Result<void> returns_step(const Chain& c, storage::Tx& tx, const events::Event& e);

// What an order can still return (returns::ReturnableLookup for the returns API): per SKU
// the units shipped (committed holds) minus those on returns not rejected or cancelled,
// refunded at the price paid per unit.
Result<returns::ReturnableInfo> returnable(const Chain& c, storage::Tx& tx,
                                           std::int64_t order_id);

}  // namespace fondaco::workflows
