// Channel credentials: what Fondaco needs to talk to a channel and to trust what it sends.
// Two kinds of named values per channel:
//   - settings, visible through the API: "api_base_url" (https://shop.myshopify.com,
//     https://shop.example/wp-json/wc/v3, a generic endpoint URL), "location_id" (the
//     channel's own location for stock), "api_version"...;
//   - secrets, write-only through the API (a list of names with when they were set is all
//     that is ever shown): "access_token", "consumer_key", "consumer_secret",
//     "webhook_secret", "signing_secret"...
// Replacing a secret keeps the previous value for limits::kChannelSecretGraceMs, so a
// webhook signed with the old secret while the shop rotates it is still accepted.
// Every function takes the caller's transaction and now_ms. Thread-safety: stateless.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fondaco/base/result.h"
#include "fondaco/storage/database.h"

namespace fondaco::channels {

struct ChannelConfig {
  std::map<std::string, std::string, std::less<>> settings;
  std::map<std::string, std::string, std::less<>> secrets;  // current values only
};

struct SecretInfo {
  std::string name;
  std::int64_t set_at = 0;
  bool previous_in_grace = false;  // an older value is still accepted
};

class Credentials {
 public:
  // invalid_argument naming the setting/secret when the name or value is not acceptable.
  static Result<void> set_setting(storage::Tx& tx, std::int64_t channel_id, std::string_view name,
                                  std::string_view value, std::int64_t now_ms);
  static Result<void> set_secret(storage::Tx& tx, std::int64_t channel_id, std::string_view name,
                                 std::string_view value, std::int64_t now_ms);
  static Result<void> remove(storage::Tx& tx, std::int64_t channel_id, std::string_view name,
                             std::int64_t now_ms);
  // Settings and current secrets, for connectors.
  static Result<ChannelConfig> load(storage::Tx& tx, std::int64_t channel_id);
  // The secret's current value and, within the grace period, the previous one (for
  // signature checks: any of them may have signed). Empty when the secret is not set.
  static Result<std::vector<std::string>> secret_candidates(storage::Tx& tx,
                                                            std::int64_t channel_id,
                                                            std::string_view name,
                                                            std::int64_t now_ms);
  static Result<std::vector<SecretInfo>> describe_secrets(storage::Tx& tx, std::int64_t channel_id,
                                                          std::int64_t now_ms);
};

}  // namespace fondaco::channels
