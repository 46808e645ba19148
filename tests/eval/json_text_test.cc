// The direct JSON writer against the DOM it replaced: AppendJsonQuoted and
// the eval line give the bytes nlohmann's dump gave (the output of
// policy-sim eval is a contract, docs/interfaces.md §3), on random text with
// every byte value (quotes, backslashes, control characters, valid and
// invalid UTF-8).
#include "lib/eval/json_text.h"

#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "verdict/decision.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

// What the writers produced before: a string through nlohmann's DOM.
std::string DomQuote(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string DomIdName(std::string_view id, std::string_view name) {
  return absl::StrCat("{\"id\": ", DomQuote(id), ", \"name\": ", DomQuote(name), "}");
}

// The eval line as it was built before the direct writer.
std::string DomEvalLine(std::string_view context_id, const Decision& d) {
  std::string out = absl::StrCat("{\"id\": ", DomQuote(context_id),
                                 ", \"policyType\": ", DomQuote(PolicyTypeName(d.type)),
                                 ", \"blocked\": ", d.blocked ? "true" : "false");
  if (d.blocked && d.blocking_zone != nullptr) {
    absl::StrAppend(&out,
                    ", \"blockedBy\": ", DomIdName(d.blocking_zone->id, d.blocking_zone->name));
  }
  absl::StrAppend(&out,
                  ", \"policy\": ", d.policy ? DomIdName(d.policy->id, d.policy->name) : "null");
  absl::StrAppend(&out, ", \"rule\": ", d.rule ? DomIdName(d.rule->id, d.rule->name) : "null");
  if (d.outcome != Outcome::kNone) {
    absl::StrAppend(&out, ", \"outcome\": ", DomQuote(OutcomeName(d.outcome)));
  }
  if (d.rule != nullptr) {
    absl::StrAppend(&out,
                    ", \"actions\": ", d.rule->actions_json.empty() ? "{}" : d.rule->actions_json);
  }
  out += "}";
  return out;
}

// Random text: mostly printable ASCII, with escapes, control characters,
// UTF-8 sequences and stray high bytes mixed in.
std::string RandomText(std::mt19937& rng) {
  static const std::string kPieces[] = {"\"",
                                        "\\",
                                        "\n",
                                        "\t",
                                        "\b",
                                        "\f",
                                        "\r",
                                        std::string(1, '\0'),
                                        "\x01",
                                        "\x1f",
                                        "\x7f",
                                        "\xC3\xA9",
                                        "\xE2\x82\xAC",
                                        "\xF0\x9F\x98\x80",
                                        "\xFF",
                                        "\xC3",
                                        "\xE2\x82",
                                        "\xED\xA0\x80",
                                        "/"};
  std::string out;
  const int length = static_cast<int>(rng() % 24);
  for (int i = 0; i < length; ++i) {
    const uint32_t r = rng() % 10;
    if (r < 6) {
      out.push_back(static_cast<char>(0x20 + rng() % 0x5F));
    } else if (r < 9) {
      out += kPieces[rng() % std::size(kPieces)];
    } else {
      out.push_back(static_cast<char>(rng() % 256));
    }
  }
  return out;
}

TEST(JsonTextTest, QuotesAsTheDomDidOnRandomText) {
  std::mt19937 rng(20);
  for (int i = 0; i < 20000; ++i) {
    const std::string text = RandomText(rng);
    std::string got = "prefix";
    eval_internal::AppendJsonQuoted(text, &got);
    ASSERT_EQ(got, "prefix" + DomQuote(text)) << "case " << i;
  }
}

TEST(JsonTextTest, QuotesEveryAsciiByteAsTheDomDid) {
  for (int c = 0; c < 0x80; ++c) {
    const std::string text = absl::StrCat("a", std::string(1, static_cast<char>(c)), "b");
    std::string got;
    eval_internal::AppendJsonQuoted(text, &got);
    EXPECT_EQ(got, DomQuote(text)) << "byte " << c;
  }
}

TEST(JsonTextTest, EvalLineIsTheDomLineOnRandomNames) {
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    NetworkZone zone;
    zone.id = RandomText(rng);
    zone.name = RandomText(rng);
    Policy policy;
    policy.id = RandomText(rng);
    policy.name = RandomText(rng);
    Rule rule;
    rule.id = RandomText(rng);
    rule.name = RandomText(rng);
    if (rng() % 2 == 0) rule.actions_json = R"({"signon":{"access":"ALLOW"}})";
    Decision d;
    d.type = static_cast<PolicyType>(rng() % 3);
    d.blocked = rng() % 4 == 0;
    if (rng() % 2 == 0) d.blocking_zone = &zone;
    if (rng() % 3 != 0) d.policy = &policy;
    if (rng() % 3 != 0) d.rule = &rule;
    d.outcome = static_cast<Outcome>(rng() % 4);
    const std::string id = RandomText(rng);
    ASSERT_EQ(DecisionToJsonLine(id, d), DomEvalLine(id, d)) << "case " << i;
  }
}

}  // namespace
}  // namespace verdict
