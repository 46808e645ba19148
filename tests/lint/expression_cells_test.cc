// lint's solver encoding of Expression Language conditions against the
// evaluator (lib/lint/expression_cells.h): on random expressions over a few
// attributes, every cell's model gives, when evaluated, exactly the truths the
// cell claims (the encoding is not too loose), and every combination of
// truths a random context gives is one of the cells (not too tight — a
// missing combination would let lint call a winnable rule shadowed).
#include "lib/lint/expression_cells.h"

#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "verdict/context.h"
#include "verdict/expression.h"

namespace verdict::internal::lint {
namespace {

// Random expressions of the encoded fragment over user.login and two profile
// attributes, with literals that overlap so that prefixes and equalities meet.
class ExpressionMaker {
 public:
  explicit ExpressionMaker(uint32_t seed) : rng_(seed) {}

  std::string Condition(int depth) {
    switch (Pick(depth > 0 ? 7 : 5)) {
      case 0:
        return absl::StrCat(Text(), Pick(2) ? " == " : " != ", Literal());
      case 1:
        return absl::StrCat(Attribute(), ".", Pick(2) ? "startsWith(" : "endsWith(", Literal(),
                            ")");
      case 2:
        return absl::StrCat("user.login.contains(", Literal(), ")");
      case 3:
        return absl::StrCat(Text(), ".length() ", Pick(2) ? "> " : "<= ", Pick(4));
      case 4:
        return absl::StrCat(Attribute(), Pick(2) ? " == null" : " != null");
      case 5:
        return absl::StrCat("(", Condition(depth - 1), Pick(2) ? " && " : " || ",
                            Condition(depth - 1), ")");
      default:
        return absl::StrCat("!(", Condition(depth - 1), ")");
    }
  }

  // A value for an attribute in a random context: absent, or a string built
  // from the literals' pieces.
  std::optional<std::string> Value() {
    static const std::vector<std::string> kPieces = {"", "a", "ab", "b", "VP", "Sales", "@x"};
    if (Pick(4) == 0) return std::nullopt;
    return kPieces[Pick(kPieces.size())] + kPieces[Pick(kPieces.size())];
  }

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  std::string Attribute() {
    static const std::vector<std::string> kAttrs = {"user.login", "user.profile.title",
                                                    "user.profile.department"};
    return kAttrs[Pick(kAttrs.size())];
  }
  std::string Text() { return Pick(4) == 0 ? Literal() : Attribute(); }
  std::string Literal() {
    static const std::vector<std::string> kLiterals = {"\"a\"",     "\"ab\"", "\"b\"", "\"VP\"",
                                                       "\"Sales\"", "\"\"",   "null"};
    return kLiterals[Pick(kLiterals.size())];
  }
  std::mt19937 rng_;
};

// Build over texts, as lint builds over the snapshot's compiled conditions.
ExpressionCells BuildFrom(const std::vector<std::string>& texts, int max_cells = 256) {
  std::vector<std::shared_ptr<const CompiledExpression>> compiled;
  std::vector<const CompiledExpression*> pointers;
  for (const std::string& t : texts) {
    absl::StatusOr<std::shared_ptr<const CompiledExpression>> c = CompileExpression(t);
    EXPECT_TRUE(c.ok()) << t;
    if (!c.ok()) continue;
    compiled.push_back(*c);
    pointers.push_back(c->get());
  }
  return ExpressionCells::Build(pointers, max_cells);
}

std::vector<bool> Truths(const std::vector<std::shared_ptr<const CompiledExpression>>& exprs,
                         const SignOnContext& ctx) {
  const ExpressionData data;
  std::vector<bool> out;
  for (const auto& e : exprs) out.push_back(e->EvaluateBool(ctx, data, nullptr));
  return out;
}

TEST(ExpressionCells, CellsAreExactlyTheCombinationsContextsGive) {
  ExpressionMaker maker(20261207);
  int orgs = 0, cells_total = 0, contexts_checked = 0;
  for (int round = 0; round < 40; ++round) {
    std::vector<std::string> texts;
    std::vector<std::shared_ptr<const CompiledExpression>> exprs;
    for (int i = 0; i < 4; ++i) {
      const std::string text = maker.Condition(2);
      absl::StatusOr<std::shared_ptr<const CompiledExpression>> c = CompileExpression(text);
      ASSERT_TRUE(c.ok()) << text << ": " << c.status();
      std::string why;
      ASSERT_TRUE(EncodableExpression(**c, &why)) << text << ": " << why;
      texts.push_back(text);
      exprs.push_back(*c);
    }
    const ExpressionCells cells = BuildFrom(texts);
    ASSERT_EQ(cells.gave_up(), "") << texts[0];
    ASSERT_GT(cells.cells(), 0);
    ++orgs;
    cells_total += cells.cells();
    std::set<std::vector<bool>> claimed;
    for (int cell = 0; cell < cells.cells(); ++cell) {
      std::vector<bool> claim;
      for (const std::string& t : texts) claim.push_back(cells.TrueIn(t)[cell]);
      EXPECT_TRUE(claimed.insert(claim).second) << "cell " << cell << " repeats a combination";
      // The cell's own values give its truths; cell 0 also without a user.
      SignOnContext ctx;
      ctx.user.id = "00uwitness";
      cells.Apply(cell, &ctx);
      EXPECT_EQ(Truths(exprs, ctx), claim)
          << "cell " << cell << " of " << absl::StrJoin(texts, " | ") << " login '"
          << ctx.user.login << "'";
      if (cell == 0) {
        EXPECT_EQ(Truths(exprs, SignOnContext()), claim) << "no user";
      }
    }
    for (int k = 0; k < 200; ++k) {
      SignOnContext ctx;
      if (maker.Value()) {
        ctx.user.id = "00urandom";
        if (std::optional<std::string> v = maker.Value()) ctx.user.login = *v;
        if (std::optional<std::string> v = maker.Value()) ctx.user.profile["title"] = *v;
        if (std::optional<std::string> v = maker.Value()) ctx.user.profile["department"] = *v;
      }
      ++contexts_checked;
      EXPECT_EQ(claimed.count(Truths(exprs, ctx)), 1u)
          << "a context gives a combination no cell has: " << absl::StrJoin(texts, " | ")
          << " login '" << ctx.user.login << "'";
    }
  }
  std::cout << orgs << " sets of 4 expressions, " << cells_total << " cells, " << contexts_checked
            << " random contexts\n";
}

TEST(ExpressionCells, OutsideTheFragmentIsNotEncoded) {
  for (const char* text :
       {"user.isMemberOfGroupName('Ops')", "user.profile.level > 5", "user.profile.admin == true",
        "user.profile.roles.contains('a')", "user.profile.title.toLowerCase() == 'vp'",
        "user.profile.title", "security.risk.level == 'HIGH'"}) {
    absl::StatusOr<std::shared_ptr<const CompiledExpression>> c = CompileExpression(text);
    ASSERT_TRUE(c.ok()) << text;
    std::string why;
    EXPECT_FALSE(EncodableExpression(**c, &why)) << text;
    EXPECT_FALSE(why.empty()) << text;
    const ExpressionCells cells = BuildFrom({text});
    EXPECT_FALSE(cells.Encoded(text)) << text;
  }
}

TEST(ExpressionCells, TooManyCombinationsGiveUpWholly) {
  std::vector<std::string> texts;
  for (int i = 0; i < 6; ++i) texts.push_back(absl::StrCat("user.profile.a", i, " == 'x'"));
  const ExpressionCells cells = BuildFrom(texts, /*max_cells=*/32);
  EXPECT_NE(cells.gave_up(), "");
  EXPECT_EQ(cells.cells(), 0);
  for (const std::string& t : texts) EXPECT_FALSE(cells.Encoded(t));
  // Within the limit: 2^4 combinations of independent attributes.
  texts.resize(4);
  const ExpressionCells four = BuildFrom(texts, /*max_cells=*/32);
  EXPECT_EQ(four.gave_up(), "");
  EXPECT_EQ(four.cells(), 16);
}

}  // namespace
}  // namespace verdict::internal::lint
