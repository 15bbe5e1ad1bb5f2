#include "fondaco/api/static_files.h"

#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <optional>
#include <system_error>

#include "fondaco/base/limits.h"
#include "router.h"

namespace fondaco::api {
namespace {

namespace fs = std::filesystem;

// No inline scripts or styles anywhere in the console: Vite emits external files only, and
// the app sets styles through the CSSOM (not blocked by style-src).
constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

void security_headers(Response& r) {
  r.set_header("Content-Security-Policy", std::string(kCsp));
  r.set_header("X-Content-Type-Options", "nosniff");
  r.set_header("Referrer-Policy", "no-referrer");
  r.set_header("X-Frame-Options", "DENY");
}

Response plain(int status, std::string body) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  security_headers(r);
  return r;
}

// The decoded path below the prefix split into segments, or nullopt when any segment could
// escape or reveal something: "..", ".", dot-files, NUL, backslashes, empty segments inside.
std::optional<std::vector<std::string>> safe_segments(std::string_view rest) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < rest.size()) {
    auto slash = rest.find('/', pos);
    if (slash == std::string_view::npos) slash = rest.size();
    auto decoded = url_decode(rest.substr(pos, slash - pos), false);
    if (!decoded) return std::nullopt;
    const std::string& seg = *decoded;
    if (seg.empty() && slash != rest.size()) return std::nullopt;
    if (!seg.empty() && (seg.front() == '.' ||
                         seg.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos))
      return std::nullopt;
    if (!seg.empty()) out.push_back(seg);
    pos = slash + 1;
  }
  return out;
}

struct FileInfo {
  fs::path path;
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;
};

// The regular file at `p` when it resolves (symlinks followed) inside `root`.
std::optional<FileInfo> regular_file_inside(const fs::path& root, const fs::path& p) {
  std::error_code ec;
  const fs::path real = fs::canonical(p, ec);
  if (ec) return std::nullopt;
  auto [root_end, unused] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  (void)unused;
  if (root_end != root.end()) return std::nullopt;
  struct stat st {};
  if (::stat(real.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileInfo{
      real, static_cast<std::uintmax_t>(st.st_size),
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

std::optional<std::string> read_file(const fs::path& p, std::uintmax_t size) {
  if (size > limits::kMaxStaticFileBytes) return std::nullopt;
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::string body(size, '\0');
  if (!in.read(body.data(), static_cast<std::streamsize>(size))) return std::nullopt;
  return body;
}

std::string etag_for(const FileInfo& f, bool gz) {
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "\"%llx-%llx%s\"", static_cast<unsigned long long>(f.size),
                static_cast<unsigned long long>(f.mtime_ns), gz ? "-gz" : "");
  return buf.data();
}

bool accepts_gzip(const Request& req) {
  // Good enough for browsers: they send "gzip, deflate, br" and never "gzip;q=0".
  const auto ae = req.header("Accept-Encoding");
  return ae.find("gzip") != std::string_view::npos && ae.find("gzip;q=0") == std::string_view::npos;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match == "*") return true;
  std::size_t pos = 0;
  while (pos < if_none_match.size()) {
    auto comma = if_none_match.find(',', pos);
    if (comma == std::string_view::npos) comma = if_none_match.size();
    auto tag = if_none_match.substr(pos, comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    pos = comma + 1;
  }
  return false;
}

bool under_prefix(std::string_view target, std::string_view prefix) {
  if (!target.starts_with(prefix)) return false;
  if (target.size() == prefix.size()) return true;
  const char next = target[prefix.size()];
  return next == '/' || next == '?' || next == '#';
}

class StaticFiles {
 public:
  explicit StaticFiles(StaticOptions o) : prefix_(std::move(o.prefix)) {
    std::error_code ec;
    root_ = fs::weakly_canonical(o.root, ec);
    if (ec) root_ = o.root;
  }

  Response operator()(const Request& req) const {
    if (req.method != "GET" && req.method != "HEAD") {
      auto r = plain(405, "method not allowed\n");
      r.set_header("Allow", "GET, HEAD");
      return r;
    }
    std::string_view path = req.target;
    if (auto q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
    if (!under_prefix(path, prefix_)) return plain(404, "not found\n");
    if (path == prefix_) {
      Response r;
      r.status = 308;
      r.set_header("Location", prefix_ + "/");
      security_headers(r);
      return r;
    }
    const auto segs = safe_segments(path.substr(prefix_.size() + 1));
    if (!segs) return plain(404, "not found\n");
    fs::path p = root_;
    for (const auto& s : *segs) p /= s;
    auto file = segs->empty() ? std::nullopt : regular_file_inside(root_, p);
    bool index = false;
    if (!file) {
      // The app routes /admin/orders/42 itself; a missing asset (has a dot) is a real 404.
      if (!segs->empty() && segs->back().find('.') != std::string::npos)
        return plain(404, "not found\n");
      file = regular_file_inside(root_, root_ / "index.html");
      if (!file) return plain(404, "the console is not built (npm run build in web/)\n");
      index = true;
    }
    return serve(req, *file, index || file->path.filename() == "index.html");
  }

 private:
  Response serve(const Request& req, const FileInfo& file, bool is_index) const {
    FileInfo chosen = file;
    bool gz = false;
    if (accepts_gzip(req)) {
      if (auto z = regular_file_inside(root_, fs::path(file.path.string() + ".gz"))) {
        chosen = *z;
        gz = true;
      }
    }
    Response r;
    r.set_header("Content-Type", std::string(content_type_for(file.path.filename().string())));
    // Vite puts content-hashed names under assets/: they never change, so cache for a year.
    const bool hashed = !is_index && file.path.parent_path().filename() == "assets";
    r.set_header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    const std::string etag = etag_for(chosen, gz);
    r.set_header("ETag", etag);
    r.set_header("Vary", "Accept-Encoding");
    if (gz) r.set_header("Content-Encoding", "gzip");
    security_headers(r);
    if (etag_matches(req.header("If-None-Match"), etag)) {
      r.status = 304;
      return r;
    }
    auto body = read_file(chosen.path, chosen.size);
    if (!body) return plain(500, "cannot read the file\n");
    if (req.method == "GET") r.body = std::move(*body);
    return r;
  }

  fs::path root_;
  std::string prefix_;
};

}  // namespace

std::string_view content_type_for(std::string_view filename) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  }};
  for (const auto& [ext, type] : kTypes)
    if (filename.size() > ext.size() && filename.ends_with(ext)) return type;
  return "application/octet-stream";
}

Handler make_static_handler(StaticOptions options) {
  auto files = std::make_shared<StaticFiles>(std::move(options));
  return [files](const Request& req) { return (*files)(req); };
}

Handler make_web_handler(StaticOptions options, Handler api) {
  const std::string prefix = options.prefix;
  Handler files = make_static_handler(std::move(options));
  return [prefix, files = std::move(files), api = std::move(api)](const Request& req) {
    if (under_prefix(req.target, prefix)) return files(req);
    if ((req.method == "GET" || req.method == "HEAD") &&
        (req.target == "/" || req.target.starts_with("/?"))) {
      Response r;
      r.status = 302;  // temporary: the storefront will live at "/"
      r.set_header("Location", prefix + "/");
      return r;
    }
    return api(req);
  };
}

}  // namespace fondaco::api
