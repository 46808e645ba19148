// Which address of an IP chain is the client: the one dynamic zones and
// geolocation describe.
#ifndef VERDICT_CLIENT_IP_H_
#define VERDICT_CLIENT_IP_H_

#include <optional>
#include <vector>

#include "verdict/ip_address.h"
#include "verdict/snapshot.h"

namespace verdict {

// Part A §A2: the client IP is the first chain IP, walking from the right (the
// hop connecting to Okta), that is not a proxy of any ACTIVE IP zone; at most
// 5 IPs are examined and, if all of them are proxies, the last one examined is
// taken (*chosen*). nullopt for an empty chain. Linear in the zones' entries:
// meant for enrichment before evaluation, not the hot path.
std::optional<IpAddress> DetermineClientIp(const Snapshot& snapshot,
                                           const std::vector<IpAddress>& chain);

}  // namespace verdict

#endif  // VERDICT_CLIENT_IP_H_
