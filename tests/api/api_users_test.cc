// Console users over real HTTP: login and its cookie, CSRF on state changes, session
// fixation, logout, the login rate limit and roles that follow the user.
#include "api_fixture.h"

namespace fondaco::apitest {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kPassword = "a long enough password";

class UsersApiTest : public ApiTest {
 protected:
  // Creates a console user through the API (as the admin token) and returns its id.
  std::string create_user(const std::string& email, const std::string& role) {
    auto r = post("/api/v1/users", R"({"email":")" + email + R"(","name":"Test","role":")" + role +
                                       R"(","locale":"en","password":")" + std::string(kPassword) +
                                       R"("})");
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(json_at(r.body, "password"), "<missing>");
    return json_at(r.body, "id");
  }

  testing::HttpResult login(const std::string& email, std::string_view password,
                            Headers headers = {}) {
    return client_->request(
        "POST", "/api/v1/session",
        R"({"email":")" + email + R"(","password":")" + std::string(password) + R"("})",
        std::move(headers));
  }

  // The session secret from a Set-Cookie header ("fondaco_session=<secret>; ...").
  static std::string cookie_secret(const testing::HttpResult& r) {
    const std::string sc = r.header("Set-Cookie");
    const std::string prefix = "fondaco_session=";
    if (!sc.starts_with(prefix)) return {};
    return sc.substr(prefix.size(), sc.find(';') - prefix.size());
  }

  // A request with only the session cookie (and the CSRF header when given).
  testing::HttpResult with_cookie(const std::string& method, const std::string& target,
                                  const std::string& secret, const std::string& body = {},
                                  const std::string& csrf = {}) {
    Headers h{{"Cookie", "theme=dark; fondaco_session=" + secret}};
    if (!csrf.empty()) h.emplace_back("X-CSRF-Token", csrf);
    return client_->request(method, target, body, std::move(h));
  }
};

TEST_P(UsersApiTest, LoginSetsAStrictHttpOnlyCookieAndTheSessionReadsBack) {
  create_user("Maria@Example.it", "manager");
  auto r = login("maria@example.it", kPassword);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string sc = r.header("Set-Cookie");
  const std::string secret = cookie_secret(r);
  ASSERT_EQ(secret.size(), 43u) << sc;
  EXPECT_NE(sc.find("; HttpOnly"), std::string::npos) << sc;
  EXPECT_NE(sc.find("; SameSite=Strict"), std::string::npos) << sc;
  EXPECT_NE(sc.find("; Path=/"), std::string::npos) << sc;
  EXPECT_EQ(sc.find("Secure"), std::string::npos) << sc;  // plain http
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
  EXPECT_EQ(json_at(r.body, "user.email"), "maria@example.it");
  EXPECT_EQ(json_at(r.body, "user.role"), "manager");
  EXPECT_EQ(json_at(r.body, "user.locale"), "en");
  const std::string csrf = json_at(r.body, "csrf_token");
  EXPECT_EQ(csrf.size(), 43u);
  EXPECT_EQ(r.body.find(secret), std::string::npos);  // the secret is only in the cookie

  auto s = with_cookie("GET", "/api/v1/session", secret);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(json_at(s.body, "user.email"), "maria@example.it");
  EXPECT_EQ(json_at(s.body, "csrf_token"), csrf);
  EXPECT_EQ(with_cookie("GET", "/api/v1/me", secret).status, 200);
  EXPECT_EQ(client_->request("GET", "/api/v1/session").status, 401);

  // Behind a TLS proxy the cookie is Secure.
  auto tls = login("maria@example.it", kPassword, {{"X-Forwarded-Proto", "https"}});
  ASSERT_EQ(tls.status, 201);
  EXPECT_NE(tls.header("Set-Cookie").find("; Secure"), std::string::npos);

  // Unknown e-mail and wrong password get the same answer.
  auto wrong = login("maria@example.it", "not the password");
  auto unknown = login("nobody@example.it", kPassword);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(wrong.header("Set-Cookie"), "");
}

TEST_P(UsersApiTest, StateChangesWithTheCookieNeedTheCsrfToken) {
  create_user("ops@example.it", "logistics");
  auto r = login("ops@example.it", kPassword);
  ASSERT_EQ(r.status, 201);
  const std::string secret = cookie_secret(r);
  const std::string csrf = json_at(r.body, "csrf_token");
  const std::string body = R"({"code":"SHOP","name":"Shop","kind":"store"})";

  auto none = with_cookie("POST", "/api/v1/locations", secret, body);
  EXPECT_EQ(none.status, 403) << none.body;
  EXPECT_EQ(json_at(none.body, "code"), "csrf_failed");
  EXPECT_TRUE(json_at(none.body, "type").ends_with("csrf_failed"));
  // One character off (never the same token: a random token may itself start with 'A').
  const std::string off = std::string(1, csrf[0] == 'A' ? 'B' : 'A') + csrf.substr(1);
  auto wrong = with_cookie("POST", "/api/v1/locations", secret, body, off);
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(json_at(wrong.body, "code"), "csrf_failed");
  EXPECT_EQ(get("/api/v1/locations/SHOP").status, 404);  // nothing written

  auto good = with_cookie("POST", "/api/v1/locations", secret, body, csrf);
  EXPECT_EQ(good.status, 201) << good.body;
  EXPECT_EQ(get("/api/v1/locations/SHOP").status, 200);
  // Reads need no CSRF token; bearer tokens never do.
  EXPECT_EQ(with_cookie("GET", "/api/v1/locations", secret).status, 200);
  EXPECT_EQ(post("/api/v1/locations", R"({"code":"B","name":"B","kind":"store"})").status, 201);
}

TEST_P(UsersApiTest, IdempotencyKeysOfAUserAndOfATokenDoNotCollide) {
  const std::string id = create_user("ops@example.it", "logistics");
  auto r = login("ops@example.it", kPassword);
  const std::string secret = cookie_secret(r);
  const std::string csrf = json_at(r.body, "csrf_token");
  // The fixture's admin token is token 1 and this is user 1: same id, same key, other
  // requests. Were the scopes shared, the second would be refused as a key reuse.
  ASSERT_EQ(id, "1");
  auto by_token = send("POST", "/api/v1/locations", R"({"code":"T1","name":"T","kind":"store"})",
                       admin_, {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(by_token.status, 201) << by_token.body;
  auto by_user =
      client_->request("POST", "/api/v1/locations", R"({"code":"U1","name":"U","kind":"store"})",
                       {{"Cookie", "fondaco_session=" + secret},
                        {"X-CSRF-Token", csrf},
                        {"Idempotency-Key", "k-1"}});
  EXPECT_EQ(by_user.status, 201) << by_user.body;
  EXPECT_EQ(get("/api/v1/locations/U1").status, 200);
}

TEST_P(UsersApiTest, ACookiePresentedAtLoginIsNeverTheOneReturnedAndStopsWorking) {
  create_user("maria@example.it", "manager");
  auto first = login("maria@example.it", kPassword);
  const std::string old_secret = cookie_secret(first);
  ASSERT_FALSE(old_secret.empty());
  auto second = login("maria@example.it", kPassword, {{"Cookie", "fondaco_session=" + old_secret}});
  ASSERT_EQ(second.status, 201);
  const std::string new_secret = cookie_secret(second);
  EXPECT_FALSE(new_secret.empty());
  EXPECT_NE(new_secret, old_secret);
  EXPECT_EQ(with_cookie("GET", "/api/v1/session", old_secret).status, 401);
  EXPECT_EQ(with_cookie("GET", "/api/v1/session", new_secret).status, 200);
  // A cookie an attacker planted (never issued) is not adopted either.
  const std::string planted(43, 'A');
  auto third = login("maria@example.it", kPassword, {{"Cookie", "fondaco_session=" + planted}});
  EXPECT_NE(cookie_secret(third), planted);
  EXPECT_EQ(with_cookie("GET", "/api/v1/session", planted).status, 401);
}

TEST_P(UsersApiTest, LogoutEndsTheSessionAndClearsTheCookie) {
  create_user("maria@example.it", "manager");
  auto r = login("maria@example.it", kPassword);
  const std::string secret = cookie_secret(r);
  const std::string csrf = json_at(r.body, "csrf_token");
  EXPECT_EQ(with_cookie("DELETE", "/api/v1/session", secret).status, 403);  // no CSRF
  EXPECT_EQ(with_cookie("GET", "/api/v1/session", secret).status, 200);
  auto out = with_cookie("DELETE", "/api/v1/session", secret, "", csrf);
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_NE(out.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_TRUE(out.header("Set-Cookie").starts_with("fondaco_session=;"));
  EXPECT_EQ(with_cookie("GET", "/api/v1/session", secret).status, 401);
  EXPECT_EQ(with_cookie("GET", "/api/v1/locations", secret).status, 401);
}

TEST_P(UsersApiTest, TheSixthBadPasswordIsRateLimited) {
  create_user("maria@example.it", "manager");
  for (int i = 0; i < limits::kLoginMaxFailuresPerEmail; ++i)
    ASSERT_EQ(login("maria@example.it", "not the password").status, 401) << i;
  auto limited = login("maria@example.it", "not the password");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(json_at(limited.body, "code"), "rate_limited");
  const std::string retry = limited.header("Retry-After");
  ASSERT_FALSE(retry.empty());
  const int seconds = std::stoi(retry);
  EXPECT_GT(seconds, 0);
  EXPECT_LE(seconds, limits::kLoginFailureWindowMs / 1000);
  // The right password does not get through either while limited.
  EXPECT_EQ(login("maria@example.it", kPassword).status, 429);
}

TEST_P(UsersApiTest, RolesFollowTheUser) {
  const std::string id = create_user("ops@example.it", "logistics");
  auto r = login("ops@example.it", kPassword);
  const std::string secret = cookie_secret(r);
  const std::string csrf = json_at(r.body, "csrf_token");
  auto denied = with_cookie("GET", "/api/v1/invoices", secret);
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(json_at(denied.body, "code"), "forbidden");
  EXPECT_EQ(with_cookie("GET", "/api/v1/users", secret).status, 403);  // admin only

  // The admin makes them accounting: the same session may now read invoices.
  auto p = patch("/api/v1/users/" + id, R"({"role":"accounting"})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(json_at(p.body, "role"), "accounting");
  EXPECT_EQ(with_cookie("GET", "/api/v1/invoices", secret).status, 200);

  // Deactivation ends the session; the login stops working.
  ASSERT_EQ(patch("/api/v1/users/" + id, R"({"active":false})").status, 200);
  EXPECT_EQ(with_cookie("GET", "/api/v1/session", secret).status, 401);
  EXPECT_EQ(login("ops@example.it", kPassword).status, 401);
}

TEST_P(UsersApiTest, AdminsManageUsersWithValidation) {
  create_user("a@example.it", "logistics");
  create_user("b@example.it", "accounting");
  auto dup = post("/api/v1/users",
                  R"({"email":"A@EXAMPLE.IT","role":"admin","password":"long enough pw"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(json_at(dup.body, "field"), "email");
  auto short_pw =
      post("/api/v1/users", R"({"email":"c@example.it","role":"admin","password":"x"})");
  EXPECT_EQ(short_pw.status, 400);
  EXPECT_EQ(json_at(short_pw.body, "field"), "password");
  auto bad_role = post("/api/v1/users",
                       R"({"email":"c@example.it","role":"root","password":"long enough pw"})");
  EXPECT_EQ(json_at(bad_role.body, "field"), "role");
  auto extra = post("/api/v1/users", R"({"email":"c@example.it","role":"admin",)"
                                     R"("password":"long enough pw","password_hash":"x"})");
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(patch("/api/v1/users/999", R"({"name":"x"})").status, 404);
  EXPECT_EQ(json_at(patch("/api/v1/users/1", R"({"locale":"fr"})").body, "field"), "locale");

  auto page1 = get("/api/v1/users?limit=1");
  ASSERT_EQ(page1.status, 200);
  EXPECT_EQ(json_at(page1.body, "items[0].email"), "a@example.it");
  EXPECT_EQ(page1.body.find("argon2"), std::string::npos);
  const std::string cursor = json_at(page1.body, "next_cursor");
  auto page2 = get("/api/v1/users?limit=1&cursor=" + cursor);
  EXPECT_EQ(json_at(page2.body, "items[0].email"), "b@example.it");
  EXPECT_EQ(json_at(page2.body, "next_cursor"), "null");

  // A new password ends the sessions and the old password stops working.
  auto s = login("a@example.it", kPassword);
  const std::string secret = cookie_secret(s);
  ASSERT_EQ(patch("/api/v1/users/" + json_at(page1.body, "items[0].id"),
                  R"({"password":"a brand new password"})")
                .status,
            200);
  EXPECT_EQ(with_cookie("GET", "/api/v1/session", secret).status, 401);
  EXPECT_EQ(login("a@example.it", kPassword).status, 401);
  EXPECT_EQ(login("a@example.it", "a brand new password").status, 201);
}

INSTANTIATE_TEST_SUITE_P(Engines, UsersApiTest, ::testing::ValuesIn(testing::engines()));

}  // namespace
}  // namespace fondaco::apitest
