// One Management API object (zone, policy, rule and their conditions and
// actions) → the typed model of verdict/snapshot.h. Every problem becomes an
// issue on the Walker with the pointer of the offending value; the parsers
// never stop at the first one, so a run reports everything wrong in a file.
// Cross-object checks (duplicates, dangling references, ordering) belong to
// the snapshot loader, not here.
#ifndef VERDICT_LIB_MODEL_MODEL_PARSER_H_
#define VERDICT_LIB_MODEL_MODEL_PARSER_H_

#include <string>

#include "lib/model/json_walker.h"
#include "verdict/snapshot.h"

namespace verdict::model_internal {

// A zone object of zones.json at `ptr`. False when it is not an object or its
// type is unknown (the zone is then unusable); other errors are only recorded.
bool ParseZone(Walker& w, const Json& value, const std::string& ptr, NetworkZone* out);

// A non-null `conditions` object.
void ParseConditions(Walker& w, const Json& value, const std::string& ptr, Conditions* out);

// A rule object; sets out->file and out->pointer. False when it is not an
// object.
bool ParseRule(Walker& w, const Json& value, const std::string& ptr, Rule* out);

// A policy object of policies/<file_type>.json. Rules given in
// `_embedded.rules` are parsed into out->rules and `*embedded_rules` is set.
// False when it is not an object or its type is unknown.
bool ParsePolicy(Walker& w, const Json& value, const std::string& ptr, PolicyType file_type,
                 Policy* out, bool* embedded_rules);

// An ASN as Okta writes it (a string of digits, or a number).
bool ParseAsn(Walker& w, const Json& value, const std::string& ptr, uint32_t* out);

}  // namespace verdict::model_internal

#endif  // VERDICT_LIB_MODEL_MODEL_PARSER_H_
