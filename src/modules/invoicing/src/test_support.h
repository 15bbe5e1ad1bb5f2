// Test helpers of the invoicing suites: the shared FatturaPA reference files and xmllint.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <sstream>
#include <string>

namespace fondaco::invoicing::test {

inline std::string fatturapa_dir() { return FONDACO_SOURCE_DIR "/../shared/data/fatturapa"; }

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string run(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) {
    *status = -1;
    return out;
  }
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  *status = pclose(p);
  return out;
}

// Validates a file against the official 1.2.2 schema, offline, as SOURCE.md says.
inline ::testing::AssertionResult xmllint_file(const std::string& path) {
  const std::string dir = fatturapa_dir();
  int status = 0;
  const std::string out = run("XML_CATALOG_FILES=" + dir + "/catalog.xml xmllint --noout --nonet --schema " +
                                  dir + "/Schema_del_file_xml_FatturaPA_v1.2.2.xsd '" + path + "'",
                              &status);
  if (status == 0) return ::testing::AssertionSuccess() << out;
  return ::testing::AssertionFailure() << out;
}

inline ::testing::AssertionResult xmllint(const std::string& xml, const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("fondaco_inv_" + std::to_string(::getpid()) + "_" + name + ".xml");
  std::ofstream(path, std::ios::binary) << xml;
  auto r = xmllint_file(path.string());
  std::filesystem::remove(path);
  return r;
}

}  // namespace fondaco::invoicing::test
