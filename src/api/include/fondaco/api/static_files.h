// Serves the admin console (web/admin, built by Vite into a folder of static files) under
// /admin, and wraps the API handler so one server carries both. The console is a
// single-page app: a path under /admin with no file extension that names no file gets
// index.html, so deep links such as /admin/orders/42 load the app, which routes itself.
//
// Files are read from disk on every request (the folder is small and the page cache keeps
// it warm; a rebuilt console shows up without a restart). Paths are resolved strictly: no
// "..", no dot-files, no symlinks leading out of the folder. Hashed assets
// (/admin/assets/*) are cached forever; index.html is revalidated on every load (ETag).
//
// Thread-safety: the handlers hold only immutable configuration; safe to call concurrently.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "fondaco/api/http.h"

namespace fondaco::api {

struct StaticOptions {
  std::filesystem::path root;  // the built console (contains index.html)
  std::string prefix = "/admin";
};

// A handler for GET/HEAD under options.prefix; other methods get 405, missing files 404.
Handler make_static_handler(StaticOptions options);

// Routes `prefix` and `prefix/...` to the static handler, "/" to a redirect to the console,
// everything else to `api`.
Handler make_web_handler(StaticOptions options, Handler api);

// The Content-Type for a file name (by extension; application/octet-stream when unknown).
std::string_view content_type_for(std::string_view filename);

}  // namespace fondaco::api
