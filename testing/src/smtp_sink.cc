#include "fondaco/testing/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fondaco::testing {
namespace {

namespace fs = std::filesystem;

std::string script_path() {
  if (const char* env = std::getenv("FONDACO_SMTP_SINK_SCRIPT")) return env;
#ifdef FONDACO_SMTP_SINK_SCRIPT
  return FONDACO_SMTP_SINK_SCRIPT;
#else
  return "testing/smtp_sink.py";
#endif
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool accepts_connections(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

ReceivedMail read_mail(const fs::path& eml) {
  ReceivedMail m;
  m.raw = slurp(eml);
  fs::path env = eml;
  env.replace_extension(".env");
  std::istringstream lines(slurp(env));
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("MAIL FROM ")) m.mail_from = line.substr(10);
    if (line.starts_with("RCPT TO ")) m.rcpt_to.push_back(line.substr(8));
  }
  return m;
}

}  // namespace

SmtpSink::SmtpSink(SmtpSinkOptions options) {
  char tmpl[] = "/tmp/fondaco-smtp-sink-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("smtp sink: mkdtemp failed");
  dir_ = tmpl;
  const std::string port_file = dir_ + "/port";
  std::vector<std::string> args = {"/usr/bin/python3", script_path(), "--dir", dir_,
                                   "--port-file", port_file};
  for (const auto& r : options.reject_recipients) {
    args.push_back("--reject");
    args.push_back(r);
  }
  if (!options.auth_user.empty()) {
    args.push_back("--auth");
    args.push_back(options.auth_user + ":" + options.auth_password);
  }
  if (options.tls != SinkTls::none) {
    args.push_back("--tls");
    args.push_back(options.tls == SinkTls::starttls ? "starttls" : "implicit");
  }
  implicit_tls_ = options.tls == SinkTls::implicit;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("smtp sink: fork failed");
  if (pid_ == 0) {
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("smtp sink: " + script_path() + " exited at start");
    }
    if (fs::exists(port_file)) {
      port_ = static_cast<std::uint16_t>(std::stoi(slurp(port_file)));
      if (accepts_connections(port_)) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("smtp sink: not listening after 20 s");
}

SmtpSink::~SmtpSink() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::vector<ReceivedMail> SmtpSink::messages() const {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec))
    if (e.path().extension() == ".eml") files.push_back(e.path());
  std::sort(files.begin(), files.end());  // NNNNNN: arrival order
  std::vector<ReceivedMail> out;
  for (const auto& f : files) out.push_back(read_mail(f));
  return out;
}

std::vector<ReceivedMail> SmtpSink::wait_for(std::size_t n, int timeout_ms) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto got = messages();
    if (got.size() >= n || std::chrono::steady_clock::now() >= deadline) return got;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace fondaco::testing
