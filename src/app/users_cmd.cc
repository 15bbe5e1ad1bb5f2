// `fondaco user create` and the demo's console login. Passwords never appear on the
// command line (where `ps` and shell history would keep them): they come from stdin or
// from a prompt with echo off.
#include <termios.h>
#include <unistd.h>

#include <array>
#include <iostream>
#include <string>

#include "app.h"
#include "fondaco/base/text.h"
#include "fondaco/governance/users.h"

namespace fondaco::app {
namespace {

int fail_with(const Error& e) {
  std::cerr << "fondaco: " << e.message << (e.field.empty() ? "" : " (" + e.field + ")") << "\n";
  return 1;
}

// One line from stdin without its line ending; fails on end of input.
Result<std::string> read_line() {
  std::string line;
  if (!std::getline(std::cin, line))
    return fail(ErrorCode::invalid_argument, "no password on stdin", "password");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Restores the terminal's echo on every way out, including errors.
class EchoOff {
 public:
  EchoOff() {
    if (tcgetattr(STDIN_FILENO, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

Result<std::string> prompt_password() {
  EchoOff quiet;
  std::cerr << "Password: " << std::flush;
  auto first = read_line();
  std::cerr << "\nRepeat password: " << std::flush;
  auto second = read_line();
  std::cerr << "\n";
  if (!first) return first;
  if (!second) return second;
  if (*first != *second) return fail(ErrorCode::invalid_argument, "passwords differ", "password");
  return first;
}

Result<std::string> read_password(bool from_stdin) {
  if (from_stdin) return read_line();
  if (!isatty(STDIN_FILENO))
    return fail(ErrorCode::invalid_argument,
                "stdin is not a terminal: pass --password-stdin to read the password from it",
                "password");
  return prompt_password();
}

}  // namespace

int run_user_create(const Config& config, const UserCreateOptions& options) {
  const auto role = governance::parse_role(options.role);
  if (!role)
    return fail_with(
        make_error(ErrorCode::invalid_argument, "unknown role " + options.role, "role"));
  const auto locale = governance::parse_locale(options.locale);
  if (!locale)
    return fail_with(make_error(ErrorCode::invalid_argument, "must be it or en", "locale"));
  if (auto e = governance::normalize_email(options.email); !e) return fail_with(e.error());
  auto password = read_password(options.password_stdin);
  if (!password) return fail_with(password.error());
  auto rt = make_runtime(config.db_url);
  if (!rt) return fail_with(rt.error());
  auto hash = governance::hash_password(*password, (*rt)->random);
  if (!hash) return fail_with(hash.error());
  governance::Users users((*rt)->log);
  auto created = (*rt)->db->write([&](storage::Tx& tx) {
    return users.create(tx, {options.email, options.name, *role, *locale}, *hash,
                        (*rt)->clock.now_ms());
  });
  if (!created) return fail_with(created.error());
  std::cout << "user " << created->id << " " << created->email << " ("
            << governance::to_string(created->role) << ") created\n";
  return 0;
}

Result<std::optional<std::string>> create_demo_user(Runtime& rt) {
  std::array<std::byte, 18> bytes;
  rt.random.fill(bytes);
  const std::string password =
      base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  auto hash = FONDACO_TRY(governance::hash_password(password, rt.random));
  governance::Users users(rt.log);
  auto created = rt.db->write([&](storage::Tx& tx) {
    return users.create(tx,
                        {std::string(kDemoUserEmail), "Demo admin", governance::Role::admin,
                         governance::Locale::it},
                        hash, rt.clock.now_ms());
  });
  if (!created && created.error().code == ErrorCode::conflict)
    return std::optional<std::string>{};  // made by an earlier start; its password was shown then
  if (!created) return std::unexpected(created.error());
  return std::optional<std::string>(password);
}

}  // namespace fondaco::app
