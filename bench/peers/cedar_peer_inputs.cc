// The inputs of the Cedar peer comparison (bench/peers/README.md), and
// Verdict's side of it.
//
//   verdict_cedar_peer_inputs <rules> <contexts> <out-dir> [<min-seconds>]
//
// Takes the benchmark org of lib/synth (BenchOrgOptions(<rules>), as
// bench/evaluate_bench.cc), keeps the part of it both engines express
// faithfully (the subset below), and writes into <out-dir>:
//   policies.json   {"<policy id>": "<Cedar policy text>", ...}: one permit
//                   per active rule of an active OKTA_SIGN_ON policy, id
//                   "r<ordinal>" in Okta's evaluation order, and one forbid
//                   per ACTIVE IP BLOCKLIST zone, id "b<ordinal>"
//   schema.cedarschema  the entity types, action and context the policies use
//   order.json      {"rules": [rule id of r0, r1, ...], "blockers": [zone id
//                   of b0, ...]}
//   contexts.jsonl  the contexts, one JSON line each (docs/interfaces.md §2)
//   expected.txt    Verdict's answer per context line: "rule <id>",
//                   "blocked <zone id>" or "none"
//   summary.json    sizes (rules kept and dropped, contexts, CIDR blocks)
// and prints Verdict's end-to-end rate on those lines: parse
// (ContextReader::Parse, the reader `policy-sim eval` uses) + Evaluate
// (OKTA_SIGN_ON), CPU time over repeated passes of at least <min-seconds>
// (default 2), every answer checked against expected.txt.
//
// The subset (docs/performance.md, "Peer comparison"): OKTA_SIGN_ON only;
// policy and rule conditions limited to people (users and groups, include
// and exclude, Everyone), network (ANYWHERE, ZONE over IP zones and
// ALL_ZONES, ON_NETWORK/OFF_NETWORK), riskScore (level, minRiskLevel),
// authContext and identityProvider — a rule or policy with any other
// condition is left out of the org both engines see; dynamic zones are left
// out of the snapshot (Cedar has no geolocation). Contexts: those with a
// user id and an IP, the IP chain cut to its last hop (the address
// connecting to Okta; Cedar has no chain walk), no geo/ASN/proxy fields.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "verdict/context_reader.h"
#include "verdict/engine.h"
#include "verdict/synth.h"

namespace verdict {
namespace {

// ------------------------------------------------------------ the subset

bool IsIpZone(const Snapshot& org, std::string_view id) {
  const NetworkZone* z = org.FindZone(id);
  return z == nullptr || z->type == ZoneType::kIp;  // a missing id matches nothing
}

bool NetworkSupported(const Snapshot& org, const NetworkCondition& n) {
  for (const std::vector<std::string>* list : {&n.include, &n.exclude}) {
    for (const std::string& id : *list) {
      if (id != kAllZones && !IsIpZone(org, id)) return false;
    }
  }
  return true;
}

// Whether every condition of `c` is one the Cedar translation expresses.
bool Supported(const Snapshot& org, const Conditions& c) {
  if (c.users || c.groups || c.auth_provider || c.user_status || c.platform || c.device ||
      c.user_identifier || c.app || c.apps || c.user_type || c.mdm_enrollment || c.el_condition ||
      c.grant_types || c.scopes || c.clients || c.context || c.entity_risk ||
      c.risk_detection_types || !c.unknown_keys.empty()) {
    return false;
  }
  if (c.risk && !c.risk->behaviors.empty()) return false;
  if (c.network && !NetworkSupported(org, *c.network)) return false;
  return true;
}

// The org both engines see: OKTA_SIGN_ON policies and rules of the subset,
// IP zones only. Counts what was left out.
struct Restricted {
  Snapshot org;
  int rules_kept = 0;
  int rules_dropped = 0;
  int policies_dropped = 0;
};

Restricted Restrict(const Snapshot& full) {
  Restricted r;
  r.org = full;
  r.org.policies.clear();
  for (const Policy& p : full.policies) {
    if (p.type != PolicyType::kOktaSignOn) continue;
    if (!Supported(full, p.conditions)) {
      ++r.policies_dropped;
      r.rules_dropped += static_cast<int>(p.rules.size());
      continue;
    }
    Policy kept = p;
    kept.rules.clear();
    for (const Rule& rule : p.rules) {
      if (Supported(full, rule.conditions)) {
        kept.rules.push_back(rule);
        ++r.rules_kept;
      } else {
        ++r.rules_dropped;
      }
    }
    r.org.policies.push_back(std::move(kept));
  }
  std::erase_if(r.org.zones, [](const NetworkZone& z) { return z.type != ZoneType::kIp; });
  return r;
}

// ------------------------------------------------------------ zones as Cedar ranges

constexpr std::string_view kDefaultExemptIpZone = "DefaultExemptIpZone";
constexpr std::string_view kLegacyIpZone = "LegacyIpZone";

bool AnySystemZone(const std::vector<NetworkZone>& zones) {
  return std::any_of(zones.begin(), zones.end(), [](const NetworkZone& z) { return z.system; });
}

// As lib/compile/snapshot_facts.cc (FindDefaultExemptZone, FindLegacyIpZone):
// which zone is the exempt list and which LegacyIpZone.
const NetworkZone* ExemptZone(const std::vector<NetworkZone>& zones) {
  for (const NetworkZone& z : zones) {
    if (z.system && z.use_as_exempt_list.value_or(false)) return &z;
  }
  for (const NetworkZone& z : zones) {
    if (z.system && z.type == ZoneType::kIp && z.name == kDefaultExemptIpZone &&
        !z.use_as_exempt_list.has_value()) {
      return &z;
    }
  }
  if (AnySystemZone(zones)) return nullptr;
  for (const NetworkZone& z : zones) {
    if (z.name == kDefaultExemptIpZone) return &z;
  }
  return nullptr;
}

const NetworkZone* LegacyZone(const std::vector<NetworkZone>& zones, const NetworkZone* exempt) {
  const NetworkZone* first = nullptr;
  for (const NetworkZone& z : zones) {
    if (!z.system || z.type != ZoneType::kIp || z.usage != ZoneUsage::kPolicy || &z == exempt ||
        z.use_as_exempt_list.value_or(false)) {
      continue;
    }
    if (z.name == kLegacyIpZone) return &z;
    if (first == nullptr) first = &z;
  }
  if (first != nullptr || AnySystemZone(zones)) return first;
  for (const NetworkZone& z : zones) {
    if (z.name == kLegacyIpZone) return &z;
  }
  return nullptr;
}

constexpr absl::uint128 kMappedFirst = absl::MakeUint128(0, 0xffff00000000ULL);
constexpr absl::uint128 kMappedLast = absl::MakeUint128(0, 0xffffffffffffULL);

// The CIDR blocks covering [first, last] as Cedar ip() literals. IPv4 is
// ::ffff:a.b.c.d inside Verdict (an IPv4-mapped address is the IPv4
// address); Cedar refuses mapped literals and keeps the families apart, so
// a block inside ::ffff:0:0/96 is written as IPv4, and a larger IPv6 block
// that holds all of it gets 0.0.0.0/0 beside it.
void AppendCidrs(absl::uint128 first, absl::uint128 last, std::vector<std::string>* out) {
  while (true) {
    int bits = 0;  // the block is 2^bits addresses
    while (bits < 128) {
      const absl::uint128 size = absl::uint128(1) << (bits + 1);
      if ((first & (size - 1)) != 0) break;
      if (last - first < size - 1) break;
      ++bits;
    }
    const absl::uint128 block_last =
        bits == 128 ? ~absl::uint128(0) : first + ((absl::uint128(1) << bits) - 1);
    if (first >= kMappedFirst && block_last <= kMappedLast) {
      out->push_back(absl::StrCat(
          IpAddress::FromV4(static_cast<uint32_t>(absl::Uint128Low64(first))).ToString(), "/",
          32 - bits));
    } else {
      out->push_back(absl::StrCat(IpAddress::FromV6(first).ToString(), "/", 128 - bits));
      if (first <= kMappedFirst && block_last >= kMappedLast) out->push_back("0.0.0.0/0");
    }
    if (block_last >= last) return;
    first = block_last + 1;
  }
}

// The union of `ranges` as few CIDR blocks as cover it exactly: ranges
// merged where they overlap or touch first (a tuned translation: every block
// is an isInRange call for Cedar on every request).
std::vector<std::string> Cidrs(std::vector<IpRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const IpRange& a, const IpRange& b) { return a.first < b.first; });
  std::vector<std::string> out;
  size_t i = 0;
  while (i < ranges.size()) {
    absl::uint128 first = ranges[i].first.value();
    absl::uint128 last = ranges[i].last.value();
    for (++i; i < ranges.size(); ++i) {
      const absl::uint128 next = ranges[i].first.value();
      if (last != ~absl::uint128(0) && next > last + 1) break;
      last = std::max(last, ranges[i].last.value());
    }
    AppendCidrs(first, last, &out);
  }
  return out;
}

// `terms` joined by `op` as a balanced tree of parentheses: a flat chain of
// hundreds of `||` is a left-deep tree that Cedar's recursive evaluator and
// validator descend one frame per term (the wasm stack overflows at a few
// hundred); balanced, the depth is log2 of the count.
std::string Balanced(const std::vector<std::string>& terms, size_t begin, size_t end,
                     std::string_view op) {
  if (end - begin == 1) return terms[begin];
  const size_t mid = begin + (end - begin) / 2;
  return absl::StrCat("(", Balanced(terms, begin, mid, op), " ", std::string(op), " ",
                      Balanced(terms, mid, end, op), ")");
}

// `context.ip` in any of `cidrs`; "false" for none.
std::string InCidrs(const std::vector<std::string>& cidrs) {
  if (cidrs.empty()) return "false";
  std::vector<std::string> terms;
  terms.reserve(cidrs.size());
  for (const std::string& c : cidrs) {
    terms.push_back(absl::StrCat("context.ip.isInRange(ip(\"", c, "\"))"));
  }
  return Balanced(terms, 0, terms.size(), "||");
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string EntityList(std::string_view type, const std::vector<std::string>& ids) {
  std::vector<std::string> refs;
  for (const std::string& id : ids)
    refs.push_back(absl::StrCat(std::string(type), "::", Quote(id)));
  return absl::StrCat("[", absl::StrJoin(refs, ", "), "]");
}

// ------------------------------------------------------------ conditions as Cedar

class Translator {
 public:
  explicit Translator(const Snapshot& org) : org_(org) {
    exempt_ = ExemptZone(org.zones);
    legacy_ = LegacyZone(org.zones, exempt_);
    everyone_.push_back("EVERYONE");
    for (const Group* g : org.EveryoneGroups()) everyone_.push_back(g->id);
    // ALL_ZONES: any ACTIVE POLICY zone but the exempt one (IP zones only
    // here: the subset has no dynamic zones).
    for (const NetworkZone& z : org.zones) {
      if (z.active && z.usage == ZoneUsage::kPolicy && &z != exempt_) {
        all_zones_.insert(all_zones_.end(), z.gateways.begin(), z.gateways.end());
      }
    }
  }

  // The addresses of `zone` for a one-hop chain: the gateways of an ACTIVE
  // zone (docs/semantics.md, the chain walk with one hop); none for an
  // inactive or missing one.
  static void AppendZone(const NetworkZone* zone, std::vector<IpRange>* out) {
    if (zone == nullptr || !zone->active) return;
    out->insert(out->end(), zone->gateways.begin(), zone->gateways.end());
  }

  std::string InZone(const NetworkZone* zone) const {
    std::vector<IpRange> ranges;
    AppendZone(zone, &ranges);
    return InCidrs(Cidrs(std::move(ranges)));
  }

  // In any of the listed zones: the union of their addresses, one test.
  std::string InAnyListed(const std::vector<std::string>& ids) const {
    std::vector<IpRange> ranges;
    for (const std::string& id : ids) {
      if (id == kAllZones) {
        ranges.insert(ranges.end(), all_zones_.begin(), all_zones_.end());
      } else {
        AppendZone(org_.FindZone(id), &ranges);
      }
    }
    return InCidrs(Cidrs(std::move(ranges)));
  }

  std::string UserInAnyGroup(const std::vector<std::string>& groups) const {
    for (const std::string& g : groups) {
      if (std::find(everyone_.begin(), everyone_.end(), g) != everyone_.end()) return "true";
    }
    return absl::StrCat("principal in ", EntityList("Group", groups));
  }

  // PeopleHolds (lib/eval/conditions.cc); every context has a user here.
  void People(const PeopleCondition& p, bool skip_group_include,
              std::vector<std::string>* terms) const {
    const bool groups_include = !skip_group_include && !p.groups.include.empty();
    std::vector<std::string> include;
    if (!p.users.include.empty()) {
      include.push_back(absl::StrCat("principal in ", EntityList("User", p.users.include)));
    }
    if (groups_include) include.push_back(UserInAnyGroup(p.groups.include));
    if (!include.empty()) terms->push_back(absl::StrCat("(", absl::StrJoin(include, " || "), ")"));
    if (!p.users.exclude.empty()) {
      terms->push_back(absl::StrCat("!(principal in ", EntityList("User", p.users.exclude), ")"));
    }
    if (!p.groups.exclude.empty()) {
      terms->push_back(absl::StrCat("!(", UserInAnyGroup(p.groups.exclude), ")"));
    }
  }

  void Network(const NetworkCondition& n, std::vector<std::string>* terms) const {
    switch (n.connection) {
      case NetworkConnection::kAnywhere:
        return;
      case NetworkConnection::kOnNetwork:
        terms->push_back(InZone(legacy_));
        return;
      case NetworkConnection::kOffNetwork:
        terms->push_back(absl::StrCat("!", InZone(legacy_)));
        return;
      case NetworkConnection::kZone:
        break;
    }
    if (!n.include.empty()) terms->push_back(InAnyListed(n.include));
    if (!n.exclude.empty()) terms->push_back(absl::StrCat("!", InAnyListed(n.exclude)));
  }

  // ConditionsHold over the subset's conditions: the address tests into
  // `ip_terms`, the others into `terms`.
  void Conditions(const verdict::Conditions& c, bool skip_group_include,
                  std::vector<std::string>* terms, std::vector<std::string>* ip_terms) const {
    if (c.people) People(*c.people, skip_group_include, terms);
    if (c.network) Network(*c.network, ip_terms);
    if (c.auth_context && c.auth_context->auth_type != "ANY") {
      terms->push_back(absl::StrCat("context.authType == ",
                                    Quote(absl::AsciiStrToUpper(c.auth_context->auth_type))));
    }
    if (c.risk_score) {
      if (c.risk_score->level) {
        terms->push_back(absl::StrCat(
            "(context has risk && context.risk == ", static_cast<int>(*c.risk_score->level), ")"));
      }
      if (c.risk_score->min_risk_level) {
        terms->push_back(absl::StrCat("(context has risk && context.risk >= ",
                                      static_cast<int>(*c.risk_score->min_risk_level), ")"));
      }
    }
    if (c.identity_provider) {
      const IdentityProviderCondition& idp = *c.identity_provider;
      if (idp.provider == "OKTA") {
        terms->push_back("context.idpType == \"OKTA\"");
      } else if (idp.provider == "SPECIFIC_IDP") {
        std::vector<std::string> ids;
        for (const std::string& id : idp.idp_ids) ids.push_back(Quote(id));
        terms->push_back(absl::StrCat("(context.idpType != \"OKTA\" && [", absl::StrJoin(ids, ", "),
                                      "].contains(context.idpId))"));
      } else if (idp.provider != "ANY") {
        terms->push_back("false");
      }
    }
  }

  // The permit for `rule` of `policy`: the policy applies (GroupPolicyApplies)
  // and its other conditions hold, and the rule's conditions hold.
  std::string Permit(const Policy& policy, const Rule& rule) const {
    std::vector<std::string> terms;
    if (!policy.system) {
      const std::vector<std::string>* include =
          policy.conditions.people ? &policy.conditions.people->groups.include : nullptr;
      terms.push_back(include == nullptr || include->empty() ? "false" : UserInAnyGroup(*include));
    }
    // The address tests last: Cedar's && stops at the first false term, and
    // the cheap terms (groups, risk, auth type) fail most often; each
    // isInRange costs a few microseconds.
    std::vector<std::string> ip_terms;
    Conditions(policy.conditions, /*skip_group_include=*/true, &terms, &ip_terms);
    if (!rule.conditions_null) {
      Conditions(rule.conditions, /*skip_group_include=*/false, &terms, &ip_terms);
    }
    terms.insert(terms.end(), ip_terms.begin(), ip_terms.end());
    std::string text = "permit(principal, action == Action::\"signOn\", resource)";
    if (!terms.empty()) absl::StrAppend(&text, " when { ", absl::StrJoin(terms, " && "), " }");
    return absl::StrCat(text, ";");
  }

  // The forbid for an ACTIVE IP BLOCKLIST zone (Evaluation::BlockingZone with
  // a one-hop chain): the address is a gateway or proxy of the zone and not
  // in the ACTIVE exempt zone.
  std::string Forbid(const NetworkZone& zone) const {
    std::vector<IpRange> ranges = zone.gateways;
    ranges.insert(ranges.end(), zone.proxies.begin(), zone.proxies.end());
    std::string text =
        absl::StrCat("forbid(principal, action == Action::\"signOn\", resource) when { ",
                     InCidrs(Cidrs(ranges)), " }");
    if (exempt_ != nullptr && exempt_->active) {
      absl::StrAppend(&text, " unless { ", InCidrs(Cidrs(exempt_->gateways)), " }");
    }
    return absl::StrCat(text, ";");
  }

 private:
  const Snapshot& org_;
  const NetworkZone* exempt_ = nullptr;
  const NetworkZone* legacy_ = nullptr;
  std::vector<std::string> everyone_;
  std::vector<IpRange> all_zones_;
};

// ------------------------------------------------------------ output

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(&out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

std::string Answer(const Decision& d) {
  if (d.blocked) return absl::StrCat("blocked ", d.blocking_zone->id);
  if (d.rule != nullptr) return absl::StrCat("rule ", d.rule->id);
  return "none";
}

double CpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

constexpr std::string_view kSchema = R"(entity Group;
entity User in [Group];
entity Org;
action signOn appliesTo {
  principal: User,
  resource: Org,
  context: {
    ip: __cedar::ipaddr,
    risk?: Long,
    authType: String,
    idpType: String,
    idpId: String,
  }
};
)";

int Run(int rules, int context_count, const std::string& dir, double min_seconds) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  const Snapshot full = synth::GenerateOrg(synth::BenchOrgOptions(rules));
  int full_rules = 0;
  for (const Policy& p : full.policies) full_rules += static_cast<int>(p.rules.size());
  Restricted restricted = Restrict(full);
  auto set = Compile(restricted.org);
  if (!set.ok()) {
    std::fprintf(stderr, "compile: %s\n", std::string(set.status().message()).c_str());
    return 1;
  }
  const Snapshot& org = (*set)->snapshot();
  const Translator translate(org);

  // Policies in Okta's order: r<ordinal> per active rule of an active policy.
  std::string policies = "{\n";
  std::vector<std::string> rule_ids, blocker_ids;
  size_t policy_bytes = 0;
  auto add = [&](const std::string& id, const std::string& text) {
    policy_bytes += text.size();
    absl::StrAppend(&policies, policies.size() > 2 ? ",\n" : "", JsonString(id), ": ",
                    JsonString(text));
  };
  for (const Policy* p : org.PoliciesOfType(PolicyType::kOktaSignOn)) {
    if (!p->active) continue;
    for (const Rule& r : p->rules) {
      if (!r.active) continue;
      add(absl::StrCat("r", rule_ids.size()), translate.Permit(*p, r));
      rule_ids.push_back(r.id);
    }
  }
  for (const NetworkZone& z : org.zones) {
    if (!z.active || z.usage != ZoneUsage::kBlocklist || z.type != ZoneType::kIp) continue;
    add(absl::StrCat("b", blocker_ids.size()), translate.Forbid(z));
    blocker_ids.push_back(z.id);
  }
  policies += "\n}\n";

  // Contexts of the subset and Verdict's answers (compiled engine).
  std::vector<SignOnContext> contexts;
  for (SignOnContext& c : synth::GenerateContexts(full, context_count * 2, 7)) {
    if (static_cast<int>(contexts.size()) == context_count) break;
    if (c.user.id.empty() || c.ip_chain.empty()) continue;
    c.ip_chain = {c.ip_chain.back()};
    c.geo.reset();
    c.asn.reset();
    c.proxy_type.reset();
    c.ip_service_categories.clear();
    contexts.push_back(std::move(c));
  }
  std::vector<std::string> lines, expected;
  for (const SignOnContext& c : contexts) {
    lines.push_back(synth::ContextToJson(c));
    expected.push_back(Answer((*set)->Evaluate(c, PolicyType::kOktaSignOn)));
  }

  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(fs::path(dir) / name, std::ios::binary | std::ios::trunc) << text;
  };
  write("policies.json", policies);
  write("schema.cedarschema", std::string(kSchema));
  auto list = [](const std::vector<std::string>& ids) {
    std::vector<std::string> quoted;
    for (const std::string& id : ids) quoted.push_back(JsonString(id));
    return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
  };
  write("order.json", absl::StrCat("{\"rules\": ", list(rule_ids),
                                   ",\n \"blockers\": ", list(blocker_ids), "}\n"));
  write("contexts.jsonl", absl::StrCat(absl::StrJoin(lines, "\n"), "\n"));
  write("expected.txt", absl::StrCat(absl::StrJoin(expected, "\n"), "\n"));
  int blocked = 0, decided = 0;
  for (const std::string& e : expected) {
    blocked += absl::StartsWith(e, "blocked") ? 1 : 0;
    decided += absl::StartsWith(e, "rule") ? 1 : 0;
  }

  // Verdict end to end on the same lines: parse + evaluate, answers checked.
  ContextReader reader;
  SignOnContext context;
  int64_t answered = 0;
  const double start = CpuSeconds();
  double elapsed = 0;
  do {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (!reader.Parse(lines[i], &context, nullptr).ok()) {
        std::fprintf(stderr, "line %zu does not parse\n", i + 1);
        return 1;
      }
      const Decision d = (*set)->Evaluate(context, PolicyType::kOktaSignOn);
      if (Answer(d) != expected[i]) {
        std::fprintf(stderr, "line %zu: the reparsed context decides differently\n", i + 1);
        return 1;
      }
    }
    answered += static_cast<int64_t>(lines.size());
    elapsed = CpuSeconds() - start;
  } while (elapsed < min_seconds);
  // The engine alone, on parsed contexts.
  int64_t decided_alone = 0;
  int64_t with_rule = 0;  // printed, so the evaluations cannot be left out
  const double engine_start = CpuSeconds();
  double engine_elapsed = 0;
  do {
    for (const SignOnContext& c : contexts) {
      with_rule += (*set)->Evaluate(c, PolicyType::kOktaSignOn).rule != nullptr ? 1 : 0;
    }
    decided_alone += static_cast<int64_t>(contexts.size());
    engine_elapsed = CpuSeconds() - engine_start;
  } while (engine_elapsed < min_seconds / 2);

  const std::string summary = absl::StrCat(
      "{\"bench_org_rules\": ", rules, ", \"full_org_rules\": ", full_rules,
      ", \"signon_rules_kept\": ", restricted.rules_kept,
      ", \"signon_rules_dropped\": ", restricted.rules_dropped,
      ", \"signon_policies_dropped\": ", restricted.policies_dropped,
      ", \"cedar_permits\": ", rule_ids.size(), ", \"cedar_forbids\": ", blocker_ids.size(),
      ", \"cedar_policy_bytes\": ", policy_bytes, ", \"contexts\": ", lines.size(),
      ", \"blocked\": ", blocked, ", \"decided\": ", decided,
      ", \"verdict_contexts_per_cpu_second\": ",
      static_cast<int64_t>(static_cast<double>(answered) / elapsed),
      ", \"verdict_engine_decisions_per_cpu_second\": ",
      static_cast<int64_t>(static_cast<double>(decided_alone) / engine_elapsed),
      ", \"engine_decisions_with_a_rule\": ", with_rule, "}\n");
  write("summary.json", summary);
  std::fputs(summary.c_str(), stdout);
  return 0;
}

}  // namespace
}  // namespace verdict

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s <rules> <contexts> <out-dir> [<min-seconds>]\n", argv[0]);
    return 2;
  }
  return verdict::Run(std::atoi(argv[1]), std::atoi(argv[2]), argv[3],
                      argc > 4 ? std::atof(argv[4]) : 2.0);
}
