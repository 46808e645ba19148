// Okta's IP service categories (DYNAMIC_V2 zones' ipServiceCategories): what
// each service is, and which umbrella categories hold it. docs/semantics.md,
// "IP service categories", cites the sources and says where Okta is silent.
#ifndef VERDICT_LIB_EVAL_IP_SERVICE_CATEGORIES_H_
#define VERDICT_LIB_EVAL_IP_SERVICE_CATEGORIES_H_

#include <optional>
#include <string_view>

#include "verdict/policy_type.h"

namespace verdict::internal {

// What a named service is.
enum class IpServiceKind {
  // A VPN (NORD_VPN, MULLVAD_VPN, ...) or proxy service (OXYLABS_PROXY,
  // APPLE_ICLOUD_RELAY_PROXY, ...): no umbrella tells the two apart.
  kVpnOrProxy,
  kTor,      // ANONYMIZER_TOR
  kUnknown,  // a name the table does not know (a newer service, or a typo)
};

// The kind of a service named by SPEC#IPServiceCategory (ASCII case
// ignored); kUnknown for umbrella names and names not in the enum.
IpServiceKind KindOfIpService(std::string_view name);

// Whether a zone's `category` (a service or an umbrella: ALL_IP_SERVICES,
// ALL_ANONYMIZERS, ALL_ANONYMIZERS_EXCEPT_TOR, ALL_PROXIES_VPNS) holds a
// client whose IP is a service of `kind`.
bool UmbrellaHolds(std::string_view category, IpServiceKind kind);

// The kind the context's proxyType implies when it names no service: Tor is
// ANONYMIZER_TOR; another anonymizer (MaxMind's anonymous VPN / public
// proxy) is an unnamed VPN or proxy. nullopt for kNone.
std::optional<IpServiceKind> KindOfProxyType(ProxyType proxy);

}  // namespace verdict::internal

#endif  // VERDICT_LIB_EVAL_IP_SERVICE_CATEGORIES_H_
