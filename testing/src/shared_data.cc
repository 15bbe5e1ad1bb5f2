#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fondaco/testing/testing.h"

namespace fondaco::testing {

std::string shared_format_file(const std::string& relative_path) {
  std::ifstream in(std::string(FONDACO_SHARED_FORMATS_DIR) + "/" + relative_path,
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (ss.str().empty()) ADD_FAILURE() << "shared data file missing or empty: " << relative_path;
  return ss.str();
}

}  // namespace fondaco::testing
