// Telling the seller about outbound webhooks: when an endpoint is disabled after failing
// for days (webhook_endpoint.disabled), an e-mail goes to the seller's address from the
// fiscal settings (email, else PEC), in Italian, queued in the notifications outbox in the
// subscriber's transaction (dedupe key "webhook:<id>:disabled:<time>", so a replay queues
// nothing new). Without fiscal settings or an address nothing is queued and the event
// passes: the disabled endpoint stays visible in GET /api/v1/webhooks. Only automatic
// disables are told (a person who disabled an endpoint through the API knows).
// Thread-safety: stateless; called from the dispatcher's thread.
#pragma once

#include "fondaco/base/result.h"
#include "fondaco/events/event_log.h"
#include "fondaco/storage/database.h"
#include "fondaco/workflows/order_to_cash.h"

namespace fondaco::workflows {

// The step behind the "webhooks.notify" subscriber (ignores other event types).
Result<void> webhooks_notify_step(const Chain& c, storage::Tx& tx, const events::Event& e);

// Registers "webhooks.notify"; `chain` must outlive the dispatcher.
void register_webhooks_notify(events::Dispatcher& d, const Chain& chain);

}  // namespace fondaco::workflows
