// README.md's embedding example is the consumer scripts/test.sh builds against
// the installed package (tests/cmake_package/main.cc): the block after the
// marker must be that file, byte for byte, so the README compiles as written.
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(ReadmeExample, IsTheBuiltConsumer) {
  const std::string readme = Read(VERDICT_SOURCE_DIR "/README.md");
  const std::string source = Read(VERDICT_SOURCE_DIR "/tests/cmake_package/main.cc");
  ASSERT_FALSE(source.empty());
  const std::string marker = "<!-- embedding example: tests/cmake_package/main.cc -->\n```cpp\n";
  const size_t start = readme.find(marker);
  ASSERT_NE(start, std::string::npos) << "README.md lost the embedding example marker";
  const size_t body = start + marker.size();
  const size_t end = readme.find("```\n", body);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(readme.substr(body, end - body), source)
      << "README.md's embedding example differs from tests/cmake_package/main.cc";
}

}  // namespace
