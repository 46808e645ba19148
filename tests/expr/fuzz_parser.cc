// libFuzzer harness for the expression compiler and evaluator: any input must
// compile or fail with a status, and a compiled expression must evaluate (as a
// condition and as a providerExpression string) without crashing or exceeding
// its limits, against a context with a time and linked objects. Built only
// with -DVERDICT_FUZZ=ON (clang); run through scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "verdict/expression.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const verdict::Snapshot* snapshot = [] {
    auto* s = new verdict::Snapshot();
    s->groups = {{"00gEng", "Engineering", "OKTA_GROUP"}, {"00gAll", "Everyone", "BUILT_IN"}};
    s->behaviors = {{"b1", "New IP", "VELOCITY", true}};
    s->linked_object_definitions = {{"manager", "subordinates"}};
    s->users["00uBoss"] = {"00uBoss", "ACTIVE", {{"email", "boss@example.com"}}};
    s->user_links["00u1"]["manager"] = {"00uBoss"};
    s->user_links["00u1"]["subordinates"] = {"00uBoss", "00uNoFile"};
    return s;
  }();
  static const verdict::ExpressionData* expression_data = new verdict::ExpressionData(*snapshot);
  static const verdict::SignOnContext* context = [] {
    auto* c = new verdict::SignOnContext();
    c->user.id = "00u1";
    c->user.login = "a@example.com";
    c->user.groups = {"00gEng"};
    c->user.profile = {{"department", "Sales"}};
    c->behaviors = {"b1"};
    c->session.amr = {"pwd"};
    c->risk_level = verdict::RiskLevel::kLow;
    c->device.os_type = "OTHER";
    c->user.profile["hireDate"] = "2024-04-15T09:00:00Z";
    c->time = absl::FromUnixSeconds(1714564800);  // DateTime.now()
    return c;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto compiled = verdict::CompileExpression(text);
  if (!compiled.ok()) return 0;
  std::string why;
  (*compiled)->EvaluateBool(*context, *expression_data, &why);
  (*compiled)->EvaluateString(
      *context, *expression_data, [](std::string_view) {}, &why);
  (*compiled)->EvaluateBool(verdict::SignOnContext(), verdict::ExpressionData(), nullptr);
  return 0;
}
