// The IP-chain rule both evaluators and the client-IP choice share.
#ifndef VERDICT_LIB_NET_CHAIN_H_
#define VERDICT_LIB_NET_CHAIN_H_

namespace verdict::internal {

// Part A §A2 (HELP-IPZ): a walk along the chain from the hop that connects to
// Okta examines at most 5 IPs, the gateway hop included (*chosen* for the
// off-by-one; docs/semantics.md).
inline constexpr int kMaxChainHops = 5;

}  // namespace verdict::internal

#endif  // VERDICT_LIB_NET_CHAIN_H_
