#include "fondaco/workflows/order_to_cash.h"

#include "fondaco/base/limits.h"

namespace fondaco::workflows {

void register_order_to_cash(events::Dispatcher& d, const Chain& chain) {
  const events::SubscribeOptions options{limits::kChainMaxAttempts};
  const std::pair<const char*,
                  Result<void> (*)(const Chain&, storage::Tx&, const events::Event&)>
      steps[] = {
      {"o2c.payments", payments_step},   {"o2c.fulfilment", fulfilment_step},
      {"o2c.labels", labels_step},       {"o2c.invoicing", invoicing_step},
      {"o2c.emails", emails_step},       {"o2c.bank_instructions", bank_instructions_step},
      {"o2c.returns", returns_step},
  };
  for (const auto& [name, step] : steps)
    d.subscribe_tx(
        name,
        [&chain, step](storage::Tx& tx, const events::Event& e) { return step(chain, tx, e); },
        options);
}

}  // namespace fondaco::workflows
