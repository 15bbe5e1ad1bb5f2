#include "fondaco/testing/http_recorder.h"

#include <gtest/gtest.h>

#include <chrono>
#include <strings.h>
#include <thread>

namespace fondaco::testing {

namespace {
std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

std::string_view RecordedRequest::header(std::string_view name) const {
  for (const auto& h : headers)
    if (h.name.size() == name.size() && strncasecmp(h.name.data(), name.data(), name.size()) == 0)
      return h.value;
  return {};
}

api::Response json_reply(int status, std::string body) {
  api::Response r;
  r.status = status;
  r.set_header("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

HttpRecorder::HttpRecorder() {
  responder_ = [](const api::Request&) { return json_reply(200, "{}"); };
  server_ = api::make_http_server({"127.0.0.1", 0, 4},
                                  [this](const api::Request& req) { return handle(req); });
  if (auto started = server_->start(); !started) {
    ADD_FAILURE() << "HttpRecorder cannot start: " << started.error().message;
    server_.reset();
  }
}

HttpRecorder::~HttpRecorder() {
  if (server_) server_->stop();
}

std::uint16_t HttpRecorder::port() const { return server_ ? server_->port() : 0; }

std::string HttpRecorder::url() const {
  return server_ ? "http://127.0.0.1:" + std::to_string(server_->port()) : std::string();
}

void HttpRecorder::set_responder(Responder responder) {
  std::lock_guard lock(mu_);
  responder_ = std::move(responder);
}

std::vector<RecordedRequest> HttpRecorder::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::size_t HttpRecorder::count() const {
  std::lock_guard lock(mu_);
  return requests_.size();
}

void HttpRecorder::clear() {
  std::lock_guard lock(mu_);
  requests_.clear();
}

bool HttpRecorder::wait_for(const std::function<bool(const std::vector<RecordedRequest>&)>& done,
                            std::int64_t timeout_ms) const {
  const auto deadline = steady_ms() + timeout_ms;
  for (;;) {
    if (done(requests())) return true;
    if (steady_ms() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

api::Response HttpRecorder::handle(const api::Request& req) {
  Responder responder;
  {
    std::lock_guard lock(mu_);
    requests_.push_back({req.method, req.target, req.headers, req.body, steady_ms()});
    responder = responder_;
  }
  return responder(req);
}

}  // namespace fondaco::testing
