#include "lib/logs/context_reset.h"

namespace verdict::logs {

// Every member of SignOnContext must be reset below. Its sizes are a
// trip-wire for a member added later without a line here (checked where the
// sizes are known: libstdc++ on x86-64, the platform CI builds on); the reuse
// tests in tests/logs/log_context_test.cc and context_reader_test.cc check
// the resets themselves.
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(SignOnContext) == 1104 && sizeof(ContextUser) == 272 &&
                  sizeof(ContextDevice) == 128 && sizeof(ContextSession) == 96,
              "a member was added: reset it in ResetContextKeepingBuffers, then update the sizes");
#endif

void ResetContextKeepingBuffers(SignOnContext* out) {
  static const SignOnContext kDefault;
  SignOnContext& c = *out;
  c.id.clear();
  c.policy_types.clear();
  c.app_id.clear();
  ContextUser& u = c.user;
  u.id.clear();
  u.login.clear();
  u.status.clear();
  u.type.clear();
  u.provider = kDefault.user.provider;
  u.provider_id.clear();
  u.admin = false;
  u.profile.clear();
  c.ip_chain.clear();
  c.zones.reset();
  c.geo.reset();
  c.asn.reset();
  c.proxy_type.reset();
  c.ip_service_categories.clear();
  ContextDevice& d = c.device;
  d.platform_type.clear();
  d.os_type.clear();
  d.registered.reset();
  d.managed.reset();
  d.remembered.reset();
  d.rooted.reset();
  d.trust_level.clear();
  d.assurance.clear();
  c.risk_level.reset();
  c.entity_risk.reset();
  c.behaviors.clear();
  c.auth_type = kDefault.auth_type;
  c.identity_provider_type = kDefault.identity_provider_type;
  c.identity_provider_id.clear();
  c.client_id.clear();
  c.grant_type.clear();
  c.scopes.clear();
  c.login_identifier.clear();
  c.session.created_at.reset();
  c.session.last_activity.reset();
  c.session.last_factor_verification.reset();
  c.session.amr.clear();
  c.time.reset();
  c.threat_suspected.reset();
  c.authenticators.reset();
}

}  // namespace verdict::logs
