#include "lib/eval/ip_service_categories.h"

#include <array>

#include "absl/strings/match.h"

namespace verdict::internal {
namespace {

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// SPEC#IPServiceCategory (Okta Management API 5.1.0), the services (the
// umbrellas are below). Every one is a VPN or a proxy but Tor: Okta names
// them so (the _VPN and _PROXY suffixes) and describes them all as used "to
// obfuscate the source of a request" (HELP-EDZ).
constexpr std::array<std::string_view, 33> kVpnsAndProxies = {
    "ABCPROXY_PROXY",     "APPLE_ICLOUD_RELAY_PROXY",
    "ASTRILL_VPN",        "AVAST_VPN",
    "BIGMAMA_PROXY",      "CYBERGHOST_VPN",
    "DATAIMPULSE_PROXY",  "EXPRESS_VPN",
    "FACELESS_PROXY",     "FROXY_PROXY",
    "GEONODE_PROXY",      "GLOBALPROTECT_VPN",
    "GOOGLE_VPN",         "IPCOLA_PROXY",
    "IPIDEA_PROXY",       "IPROXYSHOP_PROXY",
    "LUMINATI_PROXY",     "MULLVAD_VPN",
    "NETNUT_PROXY",       "NEXUS_PROXY",
    "NORD_VPN",           "OCULUS_PROXY",
    "OXYLABS_PROXY",      "PIA_VPN",
    "PROXYRACK_PROXY",    "SAMSUNG_VPN",
    "SPACEPROXIES_PROXY", "SURFSHARK_VPN",
    "SYMANTEC_VPN",       "TRENDMICRO_VPN",
    "ULTRASURF_VPN",      "WARP_VPN",
    "YILU_PROXY"};

}  // namespace

IpServiceKind KindOfIpService(std::string_view name) {
  if (absl::EqualsIgnoreCase(Sv(name), "ANONYMIZER_TOR")) return IpServiceKind::kTor;
  for (std::string_view service : kVpnsAndProxies) {
    if (absl::EqualsIgnoreCase(Sv(name), Sv(service))) return IpServiceKind::kVpnOrProxy;
  }
  return IpServiceKind::kUnknown;
}

bool UmbrellaHolds(std::string_view category, IpServiceKind kind) {
  const absl::string_view c = Sv(category);
  // Any IP service, whatever it is, named or not (*chosen* for unknown
  // names: Okta lists only services under it).
  if (absl::EqualsIgnoreCase(c, "ALL_IP_SERVICES")) return true;
  // Anonymizers: every listed service obfuscates the source (HELP-EDZ), so
  // every VPN and proxy is one, and Tor (*chosen*: Okta does not list the
  // members; an unknown name is not assumed to be one).
  if (absl::EqualsIgnoreCase(c, "ALL_ANONYMIZERS")) return kind != IpServiceKind::kUnknown;
  if (absl::EqualsIgnoreCase(c, "ALL_ANONYMIZERS_EXCEPT_TOR")) {
    return kind == IpServiceKind::kVpnOrProxy;
  }
  if (absl::EqualsIgnoreCase(c, "ALL_PROXIES_VPNS")) return kind == IpServiceKind::kVpnOrProxy;
  return false;
}

std::optional<IpServiceKind> KindOfProxyType(ProxyType proxy) {
  switch (proxy) {
    case ProxyType::kTor:
      return IpServiceKind::kTor;
    case ProxyType::kAnonymizer:
      return IpServiceKind::kVpnOrProxy;
    case ProxyType::kNone:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace verdict::internal
