// The inputs of the Cedar peer comparison (bench/peers/README.md), and
// Verdict's side of it.
//
//   verdict_cedar_peer_inputs <rules> <contexts> <out-dir> [<min-seconds>]
//
// Takes the benchmark org of lib/synth (BenchOrgOptions(<rules>), as
// bench/evaluate_bench.cc), keeps the part of it both engines express
// faithfully (the subset below), and writes into <out-dir> (the encoding:
// bench/peers/README.md):
//   locate.json     {"z<k>": "<Cedar policy text>", ...}: a permit per
//                   address set the rules ask about (a zone's gateways,
//                   ALL_ZONES, a blocklist zone's gateways and proxies),
//                   satisfied when the request's address is in it
//   policies.json   one permit per active rule of an active OKTA_SIGN_ON
//                   policy, id "r<ordinal>" in Okta's evaluation order, and
//                   one forbid per ACTIVE IP BLOCKLIST zone, id "b<ordinal>"
//   schema.cedarschema  the entity types, actions and contexts they use
//   order.json      {"rules": [rule id of r0, ...], "blockers": [zone id of
//                   b0, ...], "zones": [the name z0, z1, ... stand for]}
//   contexts.jsonl  the contexts, one JSON line each (docs/interfaces.md §2)
//   expected.txt    Verdict's answer per context line: "rule <id>",
//                   "blocked <zone id>" or "none"
//   summary.json    sizes (rules kept and dropped, policies, contexts)
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
#include <map>
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

// ------------------------------------------------------------ zones as Cedar

// An address as Cedar sees it here: Verdict's 128-bit value (IPv4 as
// ::ffff:a.b.c.d, so an IPv4-mapped address is the IPv4 address, as in
// Verdict) in three Longs that JavaScript numbers hold exactly: bits
// 127..80, 79..32 and 31..0 (context.ipHi, ipMid, ipLo).
struct AddressParts {
  uint64_t hi, mid, lo;
  explicit AddressParts(absl::uint128 v)
      : hi(absl::Uint128High64(v) >> 16),
        mid(static_cast<uint64_t>(v >> 32) & ((uint64_t{1} << 48) - 1)),
        lo(absl::Uint128Low64(v) & 0xffffffffu) {}
};

// context's address < `bound`, compared part by part.
std::string Below(absl::uint128 bound) {
  const AddressParts b(bound);
  return absl::StrCat("(context.ipHi < ", b.hi, " || (context.ipHi == ", b.hi,
                      " && (context.ipMid < ", b.mid, " || (context.ipMid == ", b.mid,
                      " && context.ipLo < ", b.lo, "))))");
}

struct Interval {
  absl::uint128 first, last;
};

// `ranges` sorted, with overlapping and touching ones merged.
std::vector<Interval> Merged(std::vector<IpRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const IpRange& a, const IpRange& b) { return a.first < b.first; });
  std::vector<Interval> out;
  for (const IpRange& r : ranges) {
    const absl::uint128 first = r.first.value(), last = r.last.value();
    if (!out.empty() && (out.back().last == ~absl::uint128(0) || first <= out.back().last + 1)) {
      out.back().last = std::max(out.back().last, last);
    } else {
      out.push_back({first, last});
    }
  }
  return out;
}

// The address is in one of `v[begin, end)` (sorted, disjoint): a binary
// search written out as nested if-then-else, so that Cedar compares about
// log2(n) bounds per request instead of testing every range (Cedar has no
// interval lookup; `isInRange` over CIDR blocks tested every block, the
// first encoding of this comparison).
std::string InIntervals(const std::vector<Interval>& v, size_t begin, size_t end) {
  if (begin == end) return "false";
  const size_t mid = begin + (end - begin) / 2;
  const std::string at_most_last =
      v[mid].last == ~absl::uint128(0) ? "true" : Below(v[mid].last + 1);
  return absl::StrCat("(if ", Below(v[mid].first), " then ", InIntervals(v, begin, mid), " else (",
                      at_most_last, " || ", InIntervals(v, mid + 1, end), "))");
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

std::string StringList(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const std::string& item : items) quoted.push_back(Quote(item));
  return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
}

// ------------------------------------------------------------ conditions as Cedar

// Two policy sets, two requests per context. The first ("locate") has a
// permit per address set the rules ask about, satisfied when the address is
// in it; the names of those satisfied become the second request's
// context.zones, which the rules ("signOn") test with contains/containsAny.
// Both sets are Cedar's to evaluate; the script only carries the first
// answer into the second request.
class Translator {
 public:
  explicit Translator(const Snapshot& org) : org_(org) {
    exempt_ = org.DefaultExemptZone();
    legacy_ = org.LegacyIpZone();
    everyone_.push_back("EVERYONE");
    for (const Group* g : org.EveryoneGroups()) everyone_.push_back(g->id);
  }

  // The name for "the client (a one-hop chain) is in this zone", and the
  // address set behind it: the gateways of an ACTIVE zone (docs/semantics.md,
  // the chain walk with one hop); an inactive or missing zone holds nobody
  // and gets no locate permit, so its name is never in context.zones.
  std::string ZoneToken(std::string_view id) {
    const std::string token(id);
    if (located_.contains(token)) return token;
    std::vector<IpRange> ranges;
    if (id == kAllZones) {
      // Any ACTIVE POLICY zone but the exempt one (IP zones only here).
      for (const NetworkZone& z : org_.zones) {
        if (z.active && z.usage == ZoneUsage::kPolicy && &z != exempt_) {
          ranges.insert(ranges.end(), z.gateways.begin(), z.gateways.end());
        }
      }
    } else if (const NetworkZone* z = org_.FindZone(id); z != nullptr && z->active) {
      ranges = z->gateways;
    } else {
      located_.emplace(token, "");
      return token;
    }
    Locate(token, std::move(ranges));
    return token;
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

  std::string InAnyListed(const std::vector<std::string>& ids) {
    std::vector<std::string> tokens;
    for (const std::string& id : ids) tokens.push_back(ZoneToken(id));
    return absl::StrCat("context.zones.containsAny(", StringList(tokens), ")");
  }

  void Network(const NetworkCondition& n, std::vector<std::string>* terms) {
    switch (n.connection) {
      case NetworkConnection::kAnywhere:
        return;
      case NetworkConnection::kOnNetwork:
      case NetworkConnection::kOffNetwork: {
        const std::string on =
            legacy_ == nullptr
                ? "false"
                : absl::StrCat("context.zones.contains(", Quote(ZoneToken(legacy_->id)), ")");
        terms->push_back(n.connection == NetworkConnection::kOnNetwork ? on
                                                                       : absl::StrCat("!", on));
        return;
      }
      case NetworkConnection::kZone:
        break;
    }
    if (!n.include.empty()) terms->push_back(InAnyListed(n.include));
    if (!n.exclude.empty()) terms->push_back(absl::StrCat("!", InAnyListed(n.exclude)));
  }

  // ConditionsHold over the subset's conditions.
  void Conditions(const verdict::Conditions& c, bool skip_group_include,
                  std::vector<std::string>* terms) {
    if (c.people) People(*c.people, skip_group_include, terms);
    if (c.network) Network(*c.network, terms);
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
        terms->push_back(absl::StrCat("(context.idpType != \"OKTA\" && ", StringList(idp.idp_ids),
                                      ".contains(context.idpId))"));
      } else if (idp.provider != "ANY") {
        terms->push_back("false");
      }
    }
  }

  // The permit for `rule` of `policy`: the policy applies (GroupPolicyApplies)
  // and its other conditions hold, and the rule's conditions hold.
  std::string Permit(const Policy& policy, const Rule& rule) {
    std::vector<std::string> terms;
    if (!policy.system) {
      const std::vector<std::string>* include =
          policy.conditions.people ? &policy.conditions.people->groups.include : nullptr;
      terms.push_back(include == nullptr || include->empty() ? "false" : UserInAnyGroup(*include));
    }
    Conditions(policy.conditions, /*skip_group_include=*/true, &terms);
    if (!rule.conditions_null) Conditions(rule.conditions, /*skip_group_include=*/false, &terms);
    std::string text = "permit(principal, action == Action::\"signOn\", resource)";
    if (!terms.empty()) absl::StrAppend(&text, " when { ", absl::StrJoin(terms, " && "), " }");
    return absl::StrCat(text, ";");
  }

  // The forbid for an ACTIVE IP BLOCKLIST zone (Evaluation::BlockingZone with
  // a one-hop chain): the address is a gateway or proxy of the zone and not
  // in the ACTIVE exempt zone.
  std::string Forbid(const NetworkZone& zone) {
    const std::string token = absl::StrCat("block:", zone.id);
    std::vector<IpRange> ranges = zone.gateways;
    ranges.insert(ranges.end(), zone.proxies.begin(), zone.proxies.end());
    Locate(token, std::move(ranges));
    std::string text =
        absl::StrCat("forbid(principal, action == Action::\"signOn\", resource) when { ",
                     "context.zones.contains(", Quote(token), ") }");
    if (exempt_ != nullptr && exempt_->active) {
      absl::StrAppend(&text, " unless { context.zones.contains(", Quote(ZoneToken(exempt_->id)),
                      ") }");
    }
    return absl::StrCat(text, ";");
  }

  // The locate permits, by token (an empty text: no permit).
  const std::map<std::string, std::string>& located() const { return located_; }

 private:
  void Locate(const std::string& token, std::vector<IpRange> ranges) {
    const std::vector<Interval> merged = Merged(std::move(ranges));
    located_[token] =
        absl::StrCat("permit(principal, action == Action::\"locate\", resource) when { ",
                     InIntervals(merged, 0, merged.size()), " };");
  }

  const Snapshot& org_;
  const NetworkZone* exempt_ = nullptr;
  const NetworkZone* legacy_ = nullptr;
  std::vector<std::string> everyone_;
  std::map<std::string, std::string> located_;
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
action locate appliesTo {
  principal: User,
  resource: Org,
  context: {
    ipHi: Long,
    ipMid: Long,
    ipLo: Long,
  }
};
action signOn appliesTo {
  principal: User,
  resource: Org,
  context: {
    zones: Set<String>,
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
  Translator translate(org);

  // Policies in Okta's order: r<ordinal> per active rule of an active policy.
  std::string policies = "{\n";
  std::vector<std::string> rule_ids, blocker_ids;
  size_t policy_bytes = 0;
  auto add_to = [&](std::string* set, const std::string& id, const std::string& text) {
    policy_bytes += text.size();
    absl::StrAppend(set, set->size() > 2 ? ",\n" : "", JsonString(id), ": ", JsonString(text));
  };
  auto add = [&](const std::string& id, const std::string& text) { add_to(&policies, id, text); };
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
  // The locate set: z<k> per address set the rules and forbids ask about.
  std::string locate = "{\n";
  std::vector<std::string> zone_tokens;
  for (const auto& [token, text] : translate.located()) {
    if (text.empty()) continue;
    add_to(&locate, absl::StrCat("z", zone_tokens.size()), text);
    zone_tokens.push_back(token);
  }
  locate += "\n}\n";

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
  write("locate.json", locate);
  write("schema.cedarschema", std::string(kSchema));
  auto list = [](const std::vector<std::string>& ids) {
    std::vector<std::string> quoted;
    for (const std::string& id : ids) quoted.push_back(JsonString(id));
    return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
  };
  write("order.json", absl::StrCat("{\"rules\": ", list(rule_ids), ",\n \"blockers\": ",
                                   list(blocker_ids), ",\n \"zones\": ", list(zone_tokens), "}\n"));
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
      ", \"cedar_locate_permits\": ", zone_tokens.size(),
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
