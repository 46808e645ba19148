// Java `Map.toString()` strings as Okta writes them into System Log
// debugData: "{New IP=POSITIVE, New Device=NEGATIVE}",
// "{reasons=Anomalous Device, Anomalous Location, level=HIGH}".
#ifndef VERDICT_LIB_LOGS_JAVA_MAP_H_
#define VERDICT_LIB_LOGS_JAVA_MAP_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace verdict::logs {

using JavaMapEntries = std::vector<std::pair<std::string, std::string>>;

// Parses "{k1=v1, k2=v2}" into its entries in order. The format has no
// quoting, so it is ambiguous; the reading chosen: entries are separated by
// ", " at bracket depth 0, and a separated piece without '=' continues the
// previous value ("reasons=Anomalous Device, Anomalous Location" is one
// entry). Nested maps and lists ("{a={b=c, d=e}}", "[x, y]") stay whole in
// their value. Keys and values are trimmed. "{}" is empty.
// InvalidArgument when the text is not brace-enclosed, the first piece has no
// '=', a key is empty, or brackets do not balance.
absl::StatusOr<JavaMapEntries> ParseJavaMapString(std::string_view text);

}  // namespace verdict::logs

#endif  // VERDICT_LIB_LOGS_JAVA_MAP_H_
