// StreamListingPage writes what the DOM path wrote (JsonText of the listing
// with indent 2), byte for byte, without building the page; it keeps each
// item's id compactly and refuses what a stream cannot reproduce.
#include "lib/api/listing_page.h"

#include <filesystem>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "tests/api/fake_okta_server.h"
#include "tests/support/subprocess.h"

namespace verdict::api {
namespace {

namespace fs = std::filesystem;

struct Streamed {
  absl::Status status;
  std::string text;
  std::vector<std::string> chunks;
  ListingItemIds ids;
};

// Streams `pages` one after the other into one listing, as ListingWriter does.
Streamed StreamPages(const std::vector<std::string>& pages) {
  Streamed out;
  for (const std::string& page : pages) {
    out.status = StreamListingPage(
        page,
        [&](std::string_view chunk) {
          out.chunks.emplace_back(chunk);
          out.text.append(chunk);
          return absl::OkStatus();
        },
        &out.ids);
    if (!out.status.ok()) break;
  }
  return out;
}

// The listing file's text as the DOM path wrote it, less the closing "\n]".
std::string DomText(const std::string& array_text) {
  const Json value = Json::parse(array_text);
  if (value.empty()) return "";
  absl::StatusOr<std::string> text = JsonText(value, 2);
  EXPECT_TRUE(text.ok()) << text.status();
  return text->substr(0, text->size() - 2);
}

void ExpectSameAsDom(const std::string& array_text) {
  Streamed streamed = StreamPages({array_text});
  ASSERT_TRUE(streamed.status.ok()) << streamed.status << "\n" << array_text;
  EXPECT_EQ(streamed.text, DomText(array_text)) << array_text;
  EXPECT_EQ(streamed.ids.size(), static_cast<int64_t>(Json::parse(array_text).size()));
}

TEST(ListingPage, EveryListingOfTheTestOrgStreamsAsItsDom) {
  int listings = 0;
  for (const auto& entry : fs::recursive_directory_iterator(testing::ApiTestData() + "/org")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    const std::string text = verdict_test::ReadFile(entry.path());
    if (!Json::parse(text).is_array()) continue;
    SCOPED_TRACE(entry.path().string());
    ExpectSameAsDom(text);
    ++listings;
  }
  EXPECT_GE(listings, 20);
}

TEST(ListingPage, ScalarsNestingAndEmptiesAreWrittenAsDumpWritesThem) {
  for (const char* page : {
           R"([])", R"( [ {} ] )", R"([[], {}, [[]], {"a": {}}, {"a": []}])",
           R"([0, -1, 18446744073709551615, -9223372036854775808, 1.0, 1e2, -0.0, 1.5e300, 0.1])",
           R"([true, false, null, "", "é\u00e9\n\t\"\\\/\u0001\ud83d\ude00"])",
           R"([{"id": "a", "x": [1, [2, [3, {"y": null}]], {"z": [{}]}]}, "s", 3])",
           R"([{"b": 1, "a": 2, "c": {"z": 1, "y": 2}}])",  // insertion order kept
       }) {
    SCOPED_TRACE(page);
    ExpectSameAsDom(page);
  }
}

TEST(ListingPage, PagesJoinIntoOneListing) {
  const Streamed streamed = StreamPages({R"([{"id": "a"}])", "[]", R"([{"id": "b"}, 7])"});
  ASSERT_TRUE(streamed.status.ok()) << streamed.status;
  EXPECT_EQ(streamed.text, DomText(R"([{"id": "a"}, {"id": "b"}, 7])"));
  EXPECT_EQ(streamed.ids.size(), 3);
}

TEST(ListingPage, ALargePageIsHandedOnInChunksThatEndBetweenTokens) {
  std::string page = "[";
  for (int i = 0; i < 40000; ++i) {
    absl::StrAppend(&page, i ? "," : "", R"({"id": "00g)", i, R"(", "profile": {"name": "group )",
                    i, R"(", "secret": "ssws-token-0123456789"}})");
  }
  page.push_back(']');
  const Streamed streamed = StreamPages({page});
  ASSERT_TRUE(streamed.status.ok()) << streamed.status;
  EXPECT_EQ(streamed.text, DomText(page));
  ASSERT_GE(streamed.chunks.size(), 3u);
  for (const std::string& chunk : streamed.chunks) {
    EXPECT_LE(chunk.size(), kListingChunkBytes + 4096);
    // Never inside a string: each chunk holds whole strings, so a secret is
    // redacted whole.
    const char last = chunk.back();
    EXPECT_TRUE(last == '"' || last == '}' || last == ']' || last == 'e' || last == 'l' ||
                (last >= '0' && last <= '9'))
        << chunk.substr(chunk.size() - 40);
    EXPECT_TRUE(absl::StrContains(chunk, "ssws-token-0123456789"));
  }
}

TEST(ListingPage, IdsAreKeptPerItem) {
  Streamed streamed =
      StreamPages({R"([{"id": "00pA"}, {"name": "x", "id": "00pB", "y": {"id": "no"}}])"});
  ASSERT_TRUE(streamed.status.ok()) << streamed.status;
  absl::StatusOr<std::vector<std::string>> ids = streamed.ids.Ids("GET /x", nullptr);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::vector<std::string>{"00pA", "00pB"}));

  // An id of 128 bytes (a two-byte length) reads back whole.
  const std::string long_id(128, 'a');
  streamed = StreamPages({absl::StrCat(R"([{"id": ")", long_id, R"("}, {"id": "b"}])")});
  ids = streamed.ids.Ids("GET /x", nullptr);
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_EQ(*ids, (std::vector<std::string>{long_id, "b"}));
}

TEST(ListingPage, AnItemWithoutAStringIdIsNamedWhenIdsAreAskedFor) {
  for (const auto& [page, item] : std::vector<std::pair<std::string, std::string>>{
           {R"([{"id": "a"}, {"id": 5}])", "item 1 "},
           {R"([{"id": {"x": "a"}}])", "item 0 "},
           {R"([{"id": "a"}, {"id": "b"}, ["id"]])", "item 2 "},
           {R"([{"name": "a"}])", "item 0 "},
           {R"([null])", "item 0 "},
       }) {
    SCOPED_TRACE(page);
    const Streamed streamed = StreamPages({page});
    ASSERT_TRUE(streamed.status.ok()) << streamed.status;  // the file is written as received
    absl::StatusOr<std::vector<std::string>> ids = streamed.ids.Ids("GET /api/v1/x", nullptr);
    ASSERT_FALSE(ids.ok());
    EXPECT_EQ(ids.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_EQ(ids.status().message(),
              absl::StrCat("GET /api/v1/x: ", item, "has no string \"id\""));
  }
  const Streamed unsafe = StreamPages({R"([{"id": "../secret-abc"}])"});
  absl::StatusOr<std::vector<std::string>> ids =
      unsafe.ids.Ids("GET /api/v1/x", [](std::string_view t) {
        return absl::StrReplaceAll(absl::string_view(t.data(), t.size()), {{"abc", "***"}});
      });
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().message(),
            "GET /api/v1/x: item 0 has an id that cannot name a file: \"../secret-***\"");
}

TEST(ListingPage, ARepeatedKeyIsRefusedWithTheItem) {
  for (const auto& [page, key, item] : std::vector<std::tuple<std::string, std::string, int>>{
           {R"([{"id": "a", "id": "b"}])", "id", 0},
           {R"([{"id": "a"}, {"id": "b", "p": {"x": 1, "y": 2, "x": 3}}])", "x", 1},
       }) {
    SCOPED_TRACE(page);
    const Streamed streamed = StreamPages({page});
    EXPECT_EQ(streamed.status.code(), absl::StatusCode::kDataLoss) << streamed.status;
    EXPECT_EQ(streamed.status.message(),
              absl::StrCat("the key \"", key, "\" appears twice in one object (item ", item, ")"));
  }
  // The same key in two objects is no repeat.
  ExpectSameAsDom(R"([{"id": "a", "p": {"id": "a"}}, {"id": "b"}])");
}

TEST(ListingPage, WhatIsNotAnArrayIsRefused) {
  for (const char* page : {"{}", "", "  ", "3", R"("[")"}) {
    const Streamed streamed = StreamPages({page});
    EXPECT_EQ(streamed.status.code(), absl::StatusCode::kInvalidArgument) << page;
  }
  const Streamed cut = StreamPages({R"([{"id": "a"}, {"id": )"});
  EXPECT_EQ(cut.status.code(), absl::StatusCode::kInvalidArgument) << cut.status;
  EXPECT_TRUE(absl::StrContains(cut.status.message(), "at byte")) << cut.status;
}

TEST(ListingPage, CheckResponseBodyAgreesWithTheParser) {
  for (const char* body : {"[]", "{\"a\": 1}", "[1,", "nul", "[\"\\ud800\"]", "1e400", ""}) {
    SCOPED_TRACE(body);
    absl::StatusOr<Json> parsed = ParseResponseBody(body, nullptr);
    EXPECT_EQ(CheckResponseBody(body, nullptr), parsed.status());
  }
  const std::string deep = std::string(300, '[') + std::string(300, ']');
  EXPECT_EQ(CheckResponseBody(deep, nullptr).code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(std::string(ResponseBodyType(" [1]")), "array");
  EXPECT_EQ(std::string(ResponseBodyType("{}")), "object");
  EXPECT_EQ(std::string(ResponseBodyType("")), "null");
  EXPECT_EQ(std::string(ResponseBodyType("-1")), "number");
}

}  // namespace
}  // namespace verdict::api
