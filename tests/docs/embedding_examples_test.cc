// docs/embedding.md shows the example files scripts/test.sh builds and runs:
// every block after an `<!-- example: PATH -->` marker must be that file,
// byte for byte, and the page must show each binding's example.
#include <fstream>
#include <set>
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

TEST(EmbeddingDoc, ExamplesAreTheTestedFiles) {
  const std::string doc = Read(VERDICT_SOURCE_DIR "/docs/embedding.md");
  ASSERT_FALSE(doc.empty());
  const std::string marker = "<!-- example: ";
  std::set<std::string> shown;
  for (size_t at = doc.find(marker); at != std::string::npos; at = doc.find(marker, at + 1)) {
    const size_t path_start = at + marker.size();
    const size_t path_end = doc.find(" -->\n", path_start);
    ASSERT_NE(path_end, std::string::npos);
    const std::string path = doc.substr(path_start, path_end - path_start);
    const size_t fence = doc.find('\n', path_end + 5);  // the ```lang line
    ASSERT_NE(fence, std::string::npos);
    const size_t body = fence + 1;
    const size_t end = doc.find("```\n", body);
    ASSERT_NE(end, std::string::npos);
    const std::string source = Read(std::string(VERDICT_SOURCE_DIR "/") + path);
    ASSERT_FALSE(source.empty()) << path;
    EXPECT_EQ(doc.substr(body, end - body), source) << "docs/embedding.md's copy of " << path;
    shown.insert(path);
  }
  for (const char* path :
       {"docs/examples/decide.c", "bindings/lua/nginx.conf", "docs/examples/decide.py",
        "docs/examples/go/main.go", "docs/examples/decide.rs"}) {
    EXPECT_TRUE(shown.count(path)) << "docs/embedding.md does not show " << path;
  }
}

}  // namespace
