#include "fondaco/channels/credentials.h"

#include <algorithm>

#include "fondaco/base/limits.h"
#include "fondaco/base/text.h"

namespace fondaco::channels {

using storage::Tx;
using storage::Value;

namespace {

// Names are identifiers the connectors look up ("webhook_secret"), never free text.
Result<void> check_name(std::string_view name) {
  bool ok_chars = !name.empty() && name.size() <= limits::kMaxChannelCredentialNameChars &&
                  name.front() >= 'a' && name.front() <= 'z';
  for (char c : name)
    ok_chars = ok_chars && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok_chars)
    return fail(ErrorCode::invalid_argument,
                "a credential name is 1-64 characters of a-z, 0-9 and _, starting with a letter",
                std::string(name));
  return ok();
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && ascii_lower(s.substr(0, prefix.size())) == prefix;
}

// A URL setting ("api_base_url", "endpoint_url") is where Fondaco will send requests and
// credentials: only http(s) with a host, no spaces.
Result<void> check_url(std::string_view name, std::string_view value) {
  std::string_view rest;
  if (starts_with_ci(value, "https://"))
    rest = value.substr(8);
  else if (starts_with_ci(value, "http://"))
    rest = value.substr(7);
  else
    return fail(ErrorCode::invalid_argument, "must be an http:// or https:// URL",
                std::string(name));
  if (rest.empty() || rest.front() == '/' || rest.find_first_of(" \t") != std::string_view::npos)
    return fail(ErrorCode::invalid_argument, "must be an http:// or https:// URL with a host",
                std::string(name));
  return ok();
}

Result<void> check_value(std::string_view name, std::string_view value, std::size_t max_chars) {
  // Line breaks too: a value ends up in HTTP headers (tokens) and URLs.
  const bool control = std::any_of(value.begin(), value.end(), [](char ch) {
    return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
  });
  if (value.empty() || value.size() > max_chars || !is_valid_utf8(value) || control ||
      has_control_chars(value))
    return fail(
        ErrorCode::invalid_argument,
        "must be 1-" + std::to_string(max_chars) + " bytes of text without control characters",
        std::string(name));
  if (name.ends_with("_url")) return check_url(name, value);
  return ok();
}

// The kind a name already has, if any: a name is either a setting or a secret, so a secret
// can never be read back by writing it as a setting.
Result<std::optional<std::string>> existing_kind(Tx& tx, std::int64_t channel_id,
                                                 std::string_view name) {
  auto rows =
      FONDACO_TRY(tx.query("SELECT kind FROM channel_credentials WHERE channel_id = ? AND name = ?",
                           {Value{channel_id}, Value{std::string(name)}}));
  if (rows.empty()) return std::optional<std::string>{};
  return std::optional<std::string>{rows.text(0, 0)};
}

Result<void> check_room(Tx& tx, std::int64_t channel_id, std::string_view name,
                        std::string_view kind) {
  auto have = FONDACO_TRY(existing_kind(tx, channel_id, name));
  if (have && *have != kind)
    return fail(ErrorCode::conflict, "this name is already used by a " + *have, std::string(name));
  if (have) return ok();
  auto count = FONDACO_TRY(tx.query("SELECT COUNT(*) FROM channel_credentials WHERE channel_id = ?",
                                    {Value{channel_id}}));
  if (static_cast<std::size_t>(count.i64(0, 0)) >= limits::kMaxChannelCredentials)
    return fail(
        ErrorCode::invalid_argument,
        "a channel has at most " + std::to_string(limits::kMaxChannelCredentials) + " credentials",
        std::string(name));
  return ok();
}

}  // namespace

Result<void> Credentials::set_setting(Tx& tx, std::int64_t channel_id, std::string_view name,
                                      std::string_view value, std::int64_t now_ms) {
  FONDACO_TRY(check_name(name));
  FONDACO_TRY(check_value(name, value, limits::kMaxChannelSettingChars));
  FONDACO_TRY(check_room(tx, channel_id, name, "setting"));
  FONDACO_TRY(tx.exec(
      "INSERT INTO channel_credentials (channel_id, name, kind, value, set_at) "
      "VALUES (?, ?, 'setting', ?, ?) ON CONFLICT (channel_id, name) DO UPDATE SET "
      "value = excluded.value, set_at = excluded.set_at "
      "WHERE channel_credentials.value <> excluded.value",
      {Value{channel_id}, Value{std::string(name)}, Value{std::string(value)}, Value{now_ms}}));
  return ok();
}

// One conditional upsert: the value being replaced becomes the previous one in the same
// statement, so two concurrent rotations cannot both lose the value they replaced. Writing
// the current value again changes nothing (and does not restart the grace period).
Result<void> Credentials::set_secret(Tx& tx, std::int64_t channel_id, std::string_view name,
                                     std::string_view value, std::int64_t now_ms) {
  FONDACO_TRY(check_name(name));
  FONDACO_TRY(check_value(name, value, limits::kMaxChannelSecretChars));
  FONDACO_TRY(check_room(tx, channel_id, name, "secret"));
  FONDACO_TRY(
      tx.exec("INSERT INTO channel_credentials (channel_id, name, kind, value, set_at) "
              "VALUES (?, ?, 'secret', ?, ?) ON CONFLICT (channel_id, name) DO UPDATE SET "
              "previous_value = channel_credentials.value, previous_until = ?, "
              "value = excluded.value, set_at = excluded.set_at "
              "WHERE channel_credentials.value <> excluded.value",
              {Value{channel_id}, Value{std::string(name)}, Value{std::string(value)},
               Value{now_ms}, Value{now_ms + limits::kChannelSecretGraceMs}}));
  return ok();
}

// Removing a secret revokes it at once, previous value included: removal is what a seller
// does when a secret leaked.
Result<void> Credentials::remove(Tx& tx, std::int64_t channel_id, std::string_view name,
                                 std::int64_t /*now_ms*/) {
  FONDACO_TRY(check_name(name));
  FONDACO_TRY(tx.exec("DELETE FROM channel_credentials WHERE channel_id = ? AND name = ?",
                      {Value{channel_id}, Value{std::string(name)}}));
  return ok();
}

Result<ChannelConfig> Credentials::load(Tx& tx, std::int64_t channel_id) {
  auto rows = FONDACO_TRY(tx.query(
      "SELECT name, kind, value FROM channel_credentials WHERE channel_id = ? ORDER BY name",
      {Value{channel_id}}));
  ChannelConfig out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& target = rows.text(i, 1) == "secret" ? out.secrets : out.settings;
    target.emplace(rows.text(i, 0), rows.text(i, 2));
  }
  return out;
}

Result<std::vector<std::string>> Credentials::secret_candidates(Tx& tx, std::int64_t channel_id,
                                                                std::string_view name,
                                                                std::int64_t now_ms) {
  auto rows =
      FONDACO_TRY(tx.query("SELECT value, previous_value, previous_until FROM channel_credentials "
                           "WHERE channel_id = ? AND name = ? AND kind = 'secret'",
                           {Value{channel_id}, Value{std::string(name)}}));
  std::vector<std::string> out;
  if (rows.empty()) return out;
  out.push_back(rows.text(0, 0));
  auto prev = rows.opt_text(0, 1);
  auto until = rows.opt_i64(0, 2);
  if (prev && until && now_ms < *until) out.push_back(*prev);
  return out;
}

Result<std::vector<SecretInfo>> Credentials::describe_secrets(Tx& tx, std::int64_t channel_id,
                                                              std::int64_t now_ms) {
  auto rows =
      FONDACO_TRY(tx.query("SELECT name, set_at, previous_until FROM channel_credentials "
                           "WHERE channel_id = ? AND kind = 'secret' ORDER BY name",
                           {Value{channel_id}}));
  std::vector<SecretInfo> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto until = rows.opt_i64(i, 2);
    out.push_back(SecretInfo{rows.text(i, 0), rows.i64(i, 1), until && now_ms < *until});
  }
  return out;
}

}  // namespace fondaco::channels
