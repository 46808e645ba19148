// Where the token comes from. Messages name the source, never the content.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "verdict/okta_client.h"

namespace verdict {

absl::StatusOr<OktaCredential> CredentialFromEnvironmentOrFile(std::string_view bearer_token_file) {
  OktaCredential credential;
  if (!bearer_token_file.empty()) {
    const std::string path(bearer_token_file);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return absl::NotFoundError(absl::StrCat("--bearer-token-file: cannot read ", path));
    }
    std::ostringstream content;
    content << in.rdbuf();
    credential.kind = OktaCredential::Kind::kBearer;
    credential.token = std::string(absl::StripAsciiWhitespace(content.str()));
    if (credential.token.empty()) {
      return absl::NotFoundError(absl::StrCat("--bearer-token-file: ", path, " is empty"));
    }
    return credential;
  }
  const char* env = std::getenv("OKTA_API_TOKEN");
  if (env == nullptr || absl::StripAsciiWhitespace(env).empty()) {
    return absl::NotFoundError(
        "no token: set OKTA_API_TOKEN (an API token) or pass --bearer-token-file FILE (an OAuth "
        "access token)");
  }
  credential.kind = OktaCredential::Kind::kApiToken;
  credential.token = std::string(absl::StripAsciiWhitespace(env));
  return credential;
}

}  // namespace verdict
