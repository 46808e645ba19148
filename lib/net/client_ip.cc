#include "verdict/client_ip.h"

#include <algorithm>

#include "lib/net/chain.h"

namespace verdict {

std::optional<IpAddress> DetermineClientIp(const Snapshot& snapshot,
                                           const std::vector<IpAddress>& chain) {
  int checked = 0;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    ++checked;
    const IpAddress ip = *it;
    const bool is_proxy =
        std::any_of(snapshot.zones.begin(), snapshot.zones.end(), [&](const NetworkZone& z) {
          return z.active && z.type == ZoneType::kIp &&
                 std::any_of(z.proxies.begin(), z.proxies.end(),
                             [&](const IpRange& r) { return r.Contains(ip); });
        });
    if (!is_proxy || checked == internal::kMaxChainHops || std::next(it) == chain.rend()) return ip;
  }
  return std::nullopt;
}

}  // namespace verdict
