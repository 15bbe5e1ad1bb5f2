#include "fondaco/http/client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>

#include "fondaco/base/limits.h"

namespace fondaco::http {

std::string_view Response::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

namespace {

struct Sink {
  std::string* body;
  bool overflow = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t bytes = size * n;
  if (sink->body->size() + bytes > limits::kHttpClientMaxResponseBytes) {
    sink->overflow = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  sink->body->append(data, bytes);
  return bytes;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Keeps the headers of the last response only (a 100 Continue or a proxy's answer starts
// a new block with a status line).
std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* out = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
  const std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    out->clear();
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string name = trim(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    out->emplace_back(std::move(name), trim(line.substr(colon + 1)));
  }
  return size * n;
}

using Easy = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using Slist = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

// One easy handle per thread: curl keeps its connection cache in the handle.
CURL* thread_handle() {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  thread_local Easy handle(curl_easy_init(), curl_easy_cleanup);
  if (handle) curl_easy_reset(handle.get());
  return handle.get();
}

class CurlClient final : public Client {
 public:
  Result<Response> send(const Request& r) override {
    if (!r.url.starts_with("http://") && !r.url.starts_with("https://"))
      return fail(ErrorCode::invalid_argument, "only http:// and https:// URLs are allowed", "url");
    CURL* c = thread_handle();
    if (c == nullptr) return fail(ErrorCode::unavailable, "curl_easy_init failed");
    Slist headers(nullptr, curl_slist_free_all);
    curl_slist* list = nullptr;
    for (const auto& [name, value] : r.headers)
      list = curl_slist_append(list, (name + ": " + value).c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    headers.reset(list);
    Response out;
    Sink sink{&out.body};
    curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_ms));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.timeout_ms));
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    if (r.method == "HEAD") curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (!r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
    if (!r.basic_user.empty()) {
      curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(c, CURLOPT_USERNAME, r.basic_user.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, r.basic_password.c_str());
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &out.headers);
    const auto start = std::chrono::steady_clock::now();
    const CURLcode rc = curl_easy_perform(c);
    out.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    if (sink.overflow)
      return fail(ErrorCode::unavailable, "response body larger than the client accepts");
    if (rc != CURLE_OK)
      return fail(ErrorCode::unavailable, std::string("HTTP request failed: ") + curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    out.status = static_cast<int>(status);
    return out;
  }
};

}  // namespace

std::unique_ptr<Client> make_client() { return std::make_unique<CurlClient>(); }

}  // namespace fondaco::http
