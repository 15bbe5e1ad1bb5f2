#include "fondaco/governance/users.h"

#include <gtest/gtest.h>

#include "fondaco/base/limits.h"
#include "fondaco/testing/testing.h"

namespace fondaco::governance {
namespace {

constexpr std::int64_t kT0 = 1'790'000'000'000;
constexpr std::string_view kPassword = "correct horse battery";

template <typename F>
UserPatch patch_of(F set) {
  UserPatch p;
  set(p);
  return p;
}

class UsersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tdb_ = std::make_unique<testing::TestDb>(GetParam());
    db_ = tdb_->open_migrated();
    ASSERT_NE(db_, nullptr);
  }

  User make_user(const std::string& email, Role role = Role::logistics) {
    auto hash = hash_password(kPassword, random_);
    EXPECT_TRUE(hash.has_value());
    auto u = db_->write([&](storage::Tx& tx) {
      return users_.create(tx, NewUser{email, "Maria", role, Locale::en}, *hash, kT0);
    });
    EXPECT_TRUE(u.has_value()) << u.error().message;
    return u.value_or(User{});
  }

  // The three login steps as the API runs them.
  Result<NewSession> login(const std::string& email, std::string_view password, std::int64_t now_ms,
                           std::string address = "10.0.0.1", std::string presented = {}) {
    auto attempt = FONDACO_TRY(db_->write(
        [&](storage::Tx& tx) { return users_.begin_login(tx, email, address, now_ms); }));
    if (attempt.retry_after_ms)
      return fail(ErrorCode::rate_limited, std::to_string(*attempt.retry_after_ms));
    if (!Users::check_password(attempt, password))
      return fail(ErrorCode::unauthorized, "wrong e-mail or password");
    return db_->write([&](storage::Tx& tx) {
      return users_.finish_login(tx, attempt, presented, random_, now_ms);
    });
  }

  Result<Session> session(const std::string& secret, std::int64_t now_ms) {
    return db_->read(
        [&](storage::Tx& tx) { return users_.authenticate_session(tx, secret, now_ms); });
  }

  std::unique_ptr<testing::TestDb> tdb_;
  std::unique_ptr<storage::Database> db_;
  events::EventLog log_;
  Users users_{log_};
  testing::FakeRandom random_;
};

TEST_P(UsersTest, PasswordsAreHashedWithArgon2idAndVerified) {
  auto h = hash_password(kPassword, random_);
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(h->encoded().starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << h->encoded();
  EXPECT_EQ(h->encoded().find(kPassword), std::string::npos);
  EXPECT_TRUE(verify_password(h->encoded(), kPassword));
  EXPECT_FALSE(verify_password(h->encoded(), "correct horse battery!"));
  EXPECT_FALSE(verify_password("not an encoding", kPassword));
  // A fresh salt each time: equal passwords do not give equal hashes.
  EXPECT_NE(hash_password(kPassword, random_)->encoded(), h->encoded());
  EXPECT_EQ(hash_password("short", random_).error().field, "password");
  EXPECT_EQ(hash_password(std::string(limits::kMaxPasswordBytes + 1, 'a'), random_).error().code,
            ErrorCode::invalid_argument);
  EXPECT_EQ(hash_password("tab\tinside password", random_).error().code,
            ErrorCode::invalid_argument);
}

TEST_P(UsersTest, CreateStoresNoPasswordAndEmailsAreUniqueIgnoringCase) {
  const User u = make_user("Maria.Rossi@Example.IT");
  EXPECT_EQ(u.email, "maria.rossi@example.it");
  EXPECT_EQ(u.role, Role::logistics);
  EXPECT_EQ(u.locale, Locale::en);
  EXPECT_TRUE(u.active);
  auto stored =
      db_->read([](storage::Tx& tx) { return tx.query("SELECT password_hash FROM users"); });
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_TRUE(stored->text(0, 0).starts_with("$argon2id$"));
  auto hash = hash_password(kPassword, random_);
  auto dup = db_->write([&](storage::Tx& tx) {
    return users_.create(tx, NewUser{"MARIA.ROSSI@example.it", "", Role::admin, Locale::it}, *hash,
                         kT0);
  });
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
  EXPECT_EQ(dup.error().field, "email");
  auto bad = db_->write([&](storage::Tx& tx) {
    return users_.create(tx, NewUser{"not-an-email", "", Role::admin, Locale::it}, *hash, kT0);
  });
  EXPECT_EQ(bad.error().field, "email");
  auto page = db_->read([&](storage::Tx& tx) { return users_.list(tx, 0, 10); });
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_FALSE(page->next_after.has_value());
}

TEST_P(UsersTest, LoginStartsASessionAndWrongOrUnknownAreTheSameFailure) {
  const User u = make_user("maria@example.it", Role::accounting);
  auto s = login("MARIA@example.it", kPassword, kT0);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->secret.size(), 43u);
  EXPECT_EQ(s->session.csrf_token.size(), 43u);
  EXPECT_NE(s->secret, s->session.csrf_token);
  auto found = session(s->secret, kT0 + 1);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user.id, u.id);
  EXPECT_EQ(found->user.role, Role::accounting);
  EXPECT_EQ(found->csrf_token, s->session.csrf_token);
  // Only the secret's hash is stored.
  auto stored = db_->read(
      [](storage::Tx& tx) { return tx.query("SELECT secret_sha256 FROM user_sessions"); });
  EXPECT_EQ(stored->text(0, 0).find(s->secret), std::string::npos);

  auto wrong = login("maria@example.it", "wrong password!!", kT0);
  auto unknown = login("nobody@example.it", kPassword, kT0);
  ASSERT_FALSE(wrong.has_value());
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::unauthorized);
  EXPECT_EQ(unknown.error().code, ErrorCode::unauthorized);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  EXPECT_EQ(session("A" + s->secret.substr(1), kT0).error().code, ErrorCode::unauthorized);
  EXPECT_EQ(session("short", kT0).error().code, ErrorCode::unauthorized);
}

TEST_P(UsersTest, SessionsExpireWhenIdleAndAfterTheirLifetime) {
  make_user("maria@example.it");
  auto s = login("maria@example.it", kPassword, kT0);
  ASSERT_TRUE(s.has_value());
  const std::int64_t idle = limits::kSessionIdleTimeoutMs;
  EXPECT_TRUE(session(s->secret, kT0 + idle - 1).has_value());
  EXPECT_EQ(session(s->secret, kT0 + idle).error().code, ErrorCode::unauthorized);
  // Use keeps it alive, up to the absolute lifetime.
  std::int64_t now = kT0;
  while (now + idle / 2 < kT0 + limits::kSessionAbsoluteLifetimeMs) {
    now += idle / 2;
    ASSERT_TRUE(session(s->secret, now).has_value()) << (now - kT0);
    ASSERT_TRUE(
        db_->write([&](storage::Tx& tx) { return users_.touch_session(tx, s->session.id, now); }));
  }
  EXPECT_EQ(session(s->secret, kT0 + limits::kSessionAbsoluteLifetimeMs).error().code,
            ErrorCode::unauthorized);
}

TEST_P(UsersTest, LogoutPasswordChangeAndDeactivationEndSessions) {
  const User u = make_user("maria@example.it");
  auto a = login("maria@example.it", kPassword, kT0);
  auto b = login("maria@example.it", kPassword, kT0);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->secret, b->secret);
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) { return users_.end_session(tx, a->secret); }));
  EXPECT_FALSE(session(a->secret, kT0).has_value());
  EXPECT_TRUE(session(b->secret, kT0).has_value());

  // A role change keeps the session, and the session sees the new role.
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
    return users_.update(tx, u.id, patch_of([](UserPatch& p) { p.role = Role::accounting; }), kT0);
  }));
  EXPECT_EQ(session(b->secret, kT0)->user.role, Role::accounting);

  auto newpw = hash_password("another long password", random_);
  ASSERT_TRUE(db_->write([&](storage::Tx& tx) {
    return users_.update(tx, u.id, patch_of([&](UserPatch& p) { p.password = *newpw; }), kT0);
  }));
  EXPECT_FALSE(session(b->secret, kT0).has_value());
  EXPECT_FALSE(login("maria@example.it", kPassword, kT0).has_value());
  auto c = login("maria@example.it", "another long password", kT0);
  ASSERT_TRUE(c.has_value());

  auto off = db_->write([&](storage::Tx& tx) {
    return users_.update(tx, u.id, patch_of([](UserPatch& p) { p.active = false; }), kT0);
  });
  ASSERT_TRUE(off.has_value());
  EXPECT_FALSE(off->active);
  EXPECT_FALSE(session(c->secret, kT0).has_value());
  EXPECT_EQ(login("maria@example.it", "another long password", kT0).error().code,
            ErrorCode::unauthorized);
  auto missing = db_->write([&](storage::Tx& tx) {
    return users_.update(tx, 999, patch_of([](UserPatch& p) { p.active = true; }), kT0);
  });
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_P(UsersTest, APresentedSessionIsEndedByTheNextLogin) {
  make_user("maria@example.it");
  auto first = login("maria@example.it", kPassword, kT0);
  ASSERT_TRUE(first.has_value());
  auto second = login("maria@example.it", kPassword, kT0, "10.0.0.1", first->secret);
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->secret, first->secret);
  EXPECT_FALSE(session(first->secret, kT0).has_value());
  EXPECT_TRUE(session(second->secret, kT0).has_value());
}

TEST_P(UsersTest, FailuresAreLimitedPerEmailAndPerAddressInAWindow) {
  make_user("maria@example.it");
  for (int i = 0; i < limits::kLoginMaxFailuresPerEmail; ++i)
    EXPECT_EQ(login("maria@example.it", "wrong password!!", kT0 + i).error().code,
              ErrorCode::unauthorized);
  // Over the limit even the right password is refused, and told when to come back: when
  // the oldest counted failure leaves the window.
  auto limited = login("maria@example.it", kPassword, kT0 + 100);
  ASSERT_FALSE(limited.has_value());
  EXPECT_EQ(limited.error().code, ErrorCode::rate_limited);
  EXPECT_EQ(limited.error().message, std::to_string(limits::kLoginFailureWindowMs - 100));
  // Another address does not help (the e-mail is limited), another e-mail is fine.
  EXPECT_EQ(login("maria@example.it", kPassword, kT0 + 100, "10.0.0.2").error().code,
            ErrorCode::rate_limited);
  EXPECT_EQ(login("other@example.it", kPassword, kT0 + 100).error().code, ErrorCode::unauthorized);
  // After the window the counter starts over; a success clears the e-mail's failures.
  const std::int64_t later = kT0 + limits::kLoginFailureWindowMs + 10;
  ASSERT_TRUE(login("maria@example.it", kPassword, later).has_value());
  for (int i = 0; i < limits::kLoginMaxFailuresPerEmail - 1; ++i)
    EXPECT_FALSE(login("maria@example.it", "wrong password!!", later).has_value());
  ASSERT_TRUE(login("maria@example.it", kPassword, later).has_value());
  for (int i = 0; i < limits::kLoginMaxFailuresPerEmail - 1; ++i)
    EXPECT_EQ(login("maria@example.it", "wrong password!!", later).error().code,
              ErrorCode::unauthorized);

  // Per address: many e-mails from one place.
  const std::int64_t t2 = later + limits::kLoginFailureWindowMs + 10;
  for (int i = 0; i < limits::kLoginMaxFailuresPerAddress; ++i)
    EXPECT_EQ(
        login("spray" + std::to_string(i) + "@example.it", kPassword, t2, "10.9.9.9").error().code,
        ErrorCode::unauthorized);
  EXPECT_EQ(login("maria@example.it", kPassword, t2, "10.9.9.9").error().code,
            ErrorCode::rate_limited);
  EXPECT_TRUE(login("maria@example.it", kPassword, t2, "10.0.0.1").has_value());
}

INSTANTIATE_TEST_SUITE_P(Engines, UsersTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::governance
