// Checks the code against ARCHITECTURE.md and docs/openapi.yaml:
// 1. every #include between libraries is an edge the "allowed edges" block permits;
// 2. no file reaches into another library's private src/ (quoted includes stay inside the
//    library's own folder);
// 3. Boost.Beast/Asio appear only in the HTTP server translation unit;
// 4. the routes the server serves and the paths of the OpenAPI document are the same set.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "fondaco/api/app.h"

namespace {

namespace fs = std::filesystem;
const fs::path kRoot = FONDACO_SOURCE_DIR;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Library of a file under src/ or testing/: "base", "catalog", "api", "app", "testing"...
std::string library_of(const fs::path& file, fs::path* root_dir) {
  const auto rel = fs::relative(file, kRoot);
  auto it = rel.begin();
  const std::string top = (it++)->string();
  if (top == "testing") {
    *root_dir = kRoot / "testing";
    return "testing";
  }
  std::string lib = (it++)->string();
  *root_dir = kRoot / "src" / lib;
  if (lib == "modules" || lib == "connectors") {
    const std::string name = it->string();
    *root_dir = *root_dir / name;
    lib = name;
  }
  return lib;
}

std::map<std::string, std::set<std::string>> allowed_edges() {
  const std::string doc = read(kRoot / "ARCHITECTURE.md");
  const auto start = doc.find("```edges");
  EXPECT_NE(start, std::string::npos) << "ARCHITECTURE.md has no ```edges block";
  const auto end = doc.find("```", start + 8);
  std::istringstream lines(doc.substr(start + 8, end - start - 8));
  std::map<std::string, std::set<std::string>> edges;
  std::string line;
  while (std::getline(lines, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream deps(line.substr(colon + 1));
    std::string lib = line.substr(0, colon), dep;
    lib.erase(0, lib.find_first_not_of(' '));
    auto& set = edges[lib];
    while (deps >> dep) set.insert(dep);
  }
  return edges;
}

std::vector<fs::path> sources() {
  std::vector<fs::path> out;
  for (const auto* dir : {"src", "testing"})
    for (const auto& e : fs::recursive_directory_iterator(kRoot / dir))
      if (e.is_regular_file() && (e.path().extension() == ".h" || e.path().extension() == ".cc"))
        out.push_back(e.path());
  return out;
}

TEST(Architecture, IncludesFollowTheAllowedEdges) {
  const auto edges = allowed_edges();
  ASSERT_FALSE(edges.empty());
  const std::regex public_include(R"re(#include\s+"fondaco/([a-z_]+)/)re");
  int checked = 0;
  for (const auto& file : sources()) {
    fs::path root;
    const std::string lib = library_of(file, &root);
    ASSERT_TRUE(edges.contains(lib)) << lib << " (" << file << ") is not in ARCHITECTURE.md";
    const std::string text = read(file);
    for (std::sregex_iterator it(text.begin(), text.end(), public_include), end; it != end; ++it) {
      const std::string dep = (*it)[1];
      ++checked;
      if (dep == lib) continue;
      // A library's own tests may use the shared test helpers.
      if (dep == "testing" && file.stem().string().ends_with("_test")) continue;
      EXPECT_TRUE(edges.at(lib).contains(dep))
          << fs::relative(file, kRoot) << " includes fondaco/" << dep << "/ but " << lib
          << " may not depend on " << dep;
    }
  }
  EXPECT_GT(checked, 50);
}

TEST(Architecture, PrivateHeadersStayInsideTheirLibrary) {
  const std::regex quoted(R"re(#include\s+"([^"]+)")re");
  for (const auto& file : sources()) {
    fs::path root;
    library_of(file, &root);
    const std::string text = read(file);
    for (std::sregex_iterator it(text.begin(), text.end(), quoted), end; it != end; ++it) {
      const std::string inc = (*it)[1];
      if (inc.starts_with("fondaco/")) continue;
      EXPECT_EQ(inc.find(".."), std::string::npos) << file << " includes " << inc;
      const bool inside = fs::exists(file.parent_path() / inc) || fs::exists(root / inc) ||
                          fs::exists(root / "src" / inc);
      EXPECT_TRUE(inside) << fs::relative(file, kRoot) << " includes \"" << inc
                          << "\" from outside its library";
    }
  }
}

TEST(Architecture, BeastStaysInTheServerTranslationUnit) {
  for (const auto& file : sources()) {
    const std::string text = read(file);
    const bool has_beast = text.find("#include <boost/beast") != std::string::npos ||
                           text.find("#include <boost/asio") != std::string::npos;
    if (has_beast) {
      EXPECT_EQ(file.filename(), "server.cc") << file;
    }
  }
}

TEST(OpenApi, DocumentAndServedRoutesAgree) {
  std::set<std::string> documented;
  std::istringstream doc(read(kRoot / "docs" / "openapi.yaml"));
  std::string line, path;
  bool in_paths = false;
  const std::regex path_line(R"(^  (/[^:]*):\s*$)");
  const std::regex method_line(R"(^    (get|post|put|patch|delete):)");
  std::smatch m;
  while (std::getline(doc, line)) {
    if (line == "paths:") in_paths = true;
    else if (!line.empty() && line[0] != ' ') in_paths = false;
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_line)) path = m[1];
    else if (std::regex_search(line, m, method_line)) {
      std::string method = m[1];
      for (auto& c : method) c = static_cast<char>(std::toupper(c));
      documented.insert(method + " " + path);
    }
  }
  std::set<std::string> served;
  for (const auto& r : fondaco::api::route_table()) served.insert(r.method + " " + r.pattern);
  for (const auto& s : served) EXPECT_TRUE(documented.contains(s)) << s << " is not documented";
  for (const auto& d : documented) EXPECT_TRUE(served.contains(d)) << d << " is not served";
  EXPECT_GT(served.size(), 20u);
}

TEST(OpenApi, ServedDocumentIsTheFile) {
  EXPECT_EQ(fondaco::api::openapi_yaml(), read(kRoot / "docs" / "openapi.yaml"));
}

}  // namespace
