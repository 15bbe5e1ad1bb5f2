#include "fondaco/workflows/webhooks_notify.h"

#include "fondaco/base/limits.h"
#include "fondaco/platform/json.h"

namespace fondaco::workflows {

Result<void> webhooks_notify_step(const Chain& c, storage::Tx& tx, const events::Event& e) {
  if (e.type != "webhook_endpoint.disabled") return ok();
  auto settings = invoicing::Invoicing::settings(tx);
  if (!settings) {
    if (settings.error().code == ErrorCode::not_found) return ok();
    return std::unexpected(settings.error());
  }
  const auto& to = settings->email ? settings->email : settings->pec;
  if (!to || to->empty()) return ok();
  auto doc = FONDACO_TRY(json::parse(e.payload));
  json::Object o = FONDACO_TRY(json::Object::of(doc->root()));
  // A person who disabled it through the API knows already.
  if (!FONDACO_TRY(o.opt_bool("automatic")).value_or(false)) return ok();
  notifications::WebhookDisabled data;
  data.endpoint_id = FONDACO_TRY(o.req_int("id"));
  data.url = FONDACO_TRY(o.req_string("url", {limits::kMaxWebhookUrlChars, 1, false}));
  data.reason = FONDACO_TRY(o.opt_string("reason")).value_or("disabled");
  data.disabled_at_ms = e.at_ms;
  notifications::EmailInput in{"webhook:" + e.aggregate_id + ":disabled:" + std::to_string(e.at_ms),
                               notifications::Locale::it, *to, settings->company_name, data};
  FONDACO_TRY(c.notifications.enqueue(tx, in, e.at_ms));
  return ok();
}

void register_webhooks_notify(events::Dispatcher& d, const Chain& chain) {
  d.subscribe_tx(
      "webhooks.notify",
      [&chain](storage::Tx& tx, const events::Event& e) {
        return webhooks_notify_step(chain, tx, e);
      },
      events::SubscribeOptions{limits::kChainMaxAttempts});
}

}  // namespace fondaco::workflows
