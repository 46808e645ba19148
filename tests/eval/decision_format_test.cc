// DecisionToJson: every JSON form of a Decision, byte for byte, for a
// decided, a blocked and an undecided decision (the forms are contracts:
// eval's lines, diff's and replay's reports, eval's combined outcome).
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "verdict/decision.h"
#include "verdict/snapshot.h"

namespace verdict {
namespace {

struct Case {
  std::string name;
  int decision;  // index into Decisions()
  DecisionJsonForm form;
  std::string want;
};

class DecisionJsonTest : public ::testing::TestWithParam<Case> {
 protected:
  DecisionJsonTest() {
    zone_.id = "nzoBlock";
    zone_.name = "Blocked \"zone\"";
    policy_.id = "00pSales";
    policy_.name = "Sales";
    rule_.id = "0prOffice";
    rule_.name = "Caf\xC3\xA9 \xFF";  // invalid UTF-8 is replaced
    rule_.actions_json = R"({"signon":{"access":"ALLOW"}})";
    Decision decided;
    decided.policy = &policy_;
    decided.rule = &rule_;
    decided.outcome = Outcome::kAllow;
    Decision blocked;
    blocked.blocked = true;
    blocked.blocking_zone = &zone_;
    blocked.outcome = Outcome::kDeny;
    Decision none;
    none.type = PolicyType::kPassword;
    decisions_ = {decided, blocked, none};
  }
  NetworkZone zone_;
  Policy policy_;
  Rule rule_;
  std::vector<Decision> decisions_;
};

TEST_P(DecisionJsonTest, WritesTheForm) {
  const Case& c = GetParam();
  EXPECT_EQ(DecisionToJson(decisions_[c.decision], c.form, "ctx-1"), c.want);
  if (c.form == DecisionJsonForm::kEvalLine) {
    EXPECT_EQ(DecisionToJsonLine("ctx-1", decisions_[c.decision]), c.want);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Forms, DecisionJsonTest,
    ::testing::Values(
        Case{"EvalLineDecided", 0, DecisionJsonForm::kEvalLine,
             R"({"id": "ctx-1", "policyType": "OKTA_SIGN_ON", "blocked": false, )"
             R"("policy": {"id": "00pSales", "name": "Sales"}, )"
             R"("rule": {"id": "0prOffice", "name": "Café �"}, "outcome": "ALLOW", )"
             R"("actions": {"signon":{"access":"ALLOW"}}})"},
        Case{"EvalLineBlocked", 1, DecisionJsonForm::kEvalLine,
             R"({"id": "ctx-1", "policyType": "OKTA_SIGN_ON", "blocked": true, )"
             R"("blockedBy": {"id": "nzoBlock", "name": "Blocked \"zone\""}, )"
             R"("policy": null, "rule": null, "outcome": "DENY"})"},
        Case{"EvalLineUndecided", 2, DecisionJsonForm::kEvalLine,
             R"({"id": "ctx-1", "policyType": "PASSWORD", "blocked": false, )"
             R"("policy": null, "rule": null})"},
        Case{"SummaryDecided", 0, DecisionJsonForm::kSummary,
             R"({"blocked":false,"outcome":"ALLOW","policy":"00pSales","policyName":"Sales",)"
             R"("rule":"0prOffice","ruleName":"Café �"})"},
        Case{"SummaryBlocked", 1, DecisionJsonForm::kSummary,
             R"({"blocked":true,"blockingZone":"nzoBlock","outcome":"DENY","policy":null,)"
             R"("rule":null})"},
        Case{"SummaryUndecided", 2, DecisionJsonForm::kSummary,
             R"({"blocked":false,"outcome":null,"policy":null,"rule":null})"},
        Case{
            "IdsDecided", 0, DecisionJsonForm::kIds,
            R"({"policy": "00pSales", "rule": "0prOffice", "blocked": false, "outcome": "ALLOW"})"},
        Case{"IdsBlocked", 1, DecisionJsonForm::kIds,
             R"({"policy": null, "rule": null, "blocked": true, "outcome": "DENY"})"},
        Case{"IdsUndecided", 2, DecisionJsonForm::kIds,
             R"({"policy": null, "rule": null, "blocked": false, "outcome": null})"}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

}  // namespace
}  // namespace verdict
